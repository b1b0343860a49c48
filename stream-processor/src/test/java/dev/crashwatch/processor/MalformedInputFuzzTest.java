package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The failure suite's bad input: a seeded fuzzer sends {@value #BAD} malformed records, interleaved
 * with {@value #VALID} valid boots, through the production topology (the real registry's wire
 * format and schemas, in a TopologyTestDriver for speed). The processor never stops; every bad
 * record is in the dead-letter topic once, at its source offset, with the reason its kind calls for
 * (a bit-flipped record may still be a well-formed event; then it is used or dead-lettered, and
 * never both); every valid device is in the device-state store.
 */
class MalformedInputFuzzTest {

  static final int BAD = 100_000;
  static final int VALID = 5_000;
  private static final long SEED = 1907L;

  /** The kinds of damage, with the reasons each may be dead-lettered for. */
  enum Damage {
    WRONG_MAGIC(Set.of("BAD_MAGIC_BYTE")),
    UNKNOWN_SCHEMA_ID(Set.of("UNKNOWN_SCHEMA_ID")),
    TRUNCATED(Set.of("TRUNCATED", "SCHEMA_MISMATCH")),
    BIT_FLIPPED(Set.of()), // any reason, or a well-formed event
    HUGE_STRING(Set.of("INVALID_FIELD")),
    ABSURD_TIMESTAMP(Set.of("ABSURD_TIMESTAMP", "FROM_THE_FUTURE")),
    KEY_OF_ANOTHER_DEVICE(Set.of("KEY_MISMATCH")),
    HOSTILE_COMPONENT_ID(Set.of("INVALID_FIELD")),
    EMPTY(Set.of("EMPTY"));

    final Set<String> reasons;

    Damage(Set<String> reasons) {
      this.reasons = reasons;
    }
  }

  private static final List<String> HOSTILE_IDS =
      // ("tick" alone is not hostile: a component called tick is just a component)
      List.of(
          "tick#1",
          "a|b",
          "../../etc/passwd",
          "acme.sensor\u0000",
          "x\ny",
          "<script>alert(1)</script>",
          "\u202Eevil",
          "acme sensor",
          "");

  @Test
  void aHundredThousandMalformedRecordsAreDeadLetteredAndNoValidOneIsLost() throws Exception {
    Random random = new Random(SEED);
    Map<String, String> on290 =
        versions(
            "acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");
    try (TopologyFixture fx = new TopologyFixture()) {
      String topic = fx.topics.boots();
      TestInputTopic<byte[], byte[]> raw = fx.raw(topic);
      Serializer<Boot> serializer = fx.serdes.value(Boot.class).serializer();
      Map<Long, Damage> badAt = new HashMap<>();
      Map<Damage, Integer> sent = new EnumMap<>(Damage.class);
      List<String> validDevices = new ArrayList<>();
      Map<Long, DeadLetter> letters = new HashMap<>();
      long offset = 0;
      int valid = 0;
      for (int i = 0; i < BAD + VALID; i++) {
        Instant time = t(i * 0.001);
        boolean isValid = valid < VALID && random.nextInt(BAD + VALID) < VALID;
        if (isValid) {
          String device = "valid-" + valid++;
          validDevices.add(device);
          Boot b = boot(device, "canary", time, on290);
          raw.pipeInput(
              device.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, b), time);
        } else {
          Damage damage = Damage.values()[random.nextInt(Damage.values().length)];
          String device = "fuzz-" + i;
          byte[] value =
              damaged(damage, boot(device, "canary", time, on290), serializer, topic, random);
          String key = damage == Damage.KEY_OF_ANOTHER_DEVICE ? "other-" + i : device;
          raw.pipeInput(key.getBytes(StandardCharsets.UTF_8), value, time);
          badAt.put(offset, damage);
          sent.merge(damage, 1, Integer::sum);
        }
        offset++;
        if (offset % 10_000 == 0) {
          drain(fx, topic, letters); // the letters keep the original bytes: bound the memory
        }
      }
      // the valid ones that the random draw left over, at the end
      while (valid < VALID) {
        String device = "valid-" + valid++;
        validDevices.add(device);
        Instant time = t((BAD + VALID) * 0.001);
        raw.pipeInput(
            device.getBytes(StandardCharsets.UTF_8),
            serializer.serialize(topic, boot(device, "canary", time, on290)),
            time);
        offset++;
      }

      drain(fx, topic, letters);
      int bitFlipsUsed = 0;
      for (Map.Entry<Long, Damage> bad : badAt.entrySet()) {
        DeadLetter d = letters.get(bad.getKey());
        if (bad.getValue() == Damage.BIT_FLIPPED) {
          bitFlipsUsed += d == null ? 1 : 0;
          continue;
        }
        assertThat(d).as("letter for %s at offset %d", bad.getValue(), bad.getKey()).isNotNull();
        assertThat(bad.getValue().reasons)
            .as("reason of %s at offset %d: %s", bad.getValue(), bad.getKey(), d.getDetail())
            .contains(d.getReason());
      }
      assertThat(letters.keySet()).allSatisfy(o -> assertThat(badAt).containsKey(o));
      KeyValueStore<String, DeviceState> devices =
          fx.driver.getKeyValueStore(DeviceStateProcessor.STORE);
      assertThat(validDevices).allSatisfy(d -> assertThat(devices.get(d)).as(d).isNotNull());
      System.out.printf(
          "failure suite: fuzzer seed %d: %,d malformed (%s) and %,d valid records in; %,d dead"
              + " letters out, %,d bit-flipped records still well-formed and used; %,d valid"
              + " devices all kept%n",
          SEED, badAt.size(), sent, VALID, letters.size(), bitFlipsUsed, validDevices.size());
      assertThat(badAt).hasSizeGreaterThanOrEqualTo(BAD - VALID);
    }
  }

  /** Reads the letters written so far, keeping reason and detail, not the bytes. */
  private static void drain(TopologyFixture fx, String topic, Map<Long, DeadLetter> letters) {
    for (DeadLetter d : fx.deadLetters.readValuesToList()) {
      assertThat(d.getSourceTopic()).isEqualTo(topic);
      assertThat(d.getReason()).isNotBlank();
      assertThat(d.getDetail()).isNotBlank();
      d.setValue(null);
      assertThat(letters.put(d.getSourceOffset(), d)).as("one letter per record").isNull();
    }
  }

  private static byte[] damaged(
      Damage damage, Boot boot, Serializer<Boot> serializer, String topic, Random random) {
    byte[] good = serializer.serialize(topic, boot);
    switch (damage) {
      case WRONG_MAGIC -> {
        good[0] = (byte) (1 + random.nextInt(255));
        return good;
      }
      case UNKNOWN_SCHEMA_ID -> {
        // a few ids far above any registered one: each is asked once, then known to be unknown
        int id = 900_000 + random.nextInt(8);
        good[1] = (byte) (id >>> 24);
        good[2] = (byte) (id >>> 16);
        good[3] = (byte) (id >>> 8);
        good[4] = (byte) id;
        return good;
      }
      case TRUNCATED -> {
        byte[] cut = new byte[5 + random.nextInt(good.length - 6)];
        System.arraycopy(good, 0, cut, 0, cut.length);
        return cut;
      }
      case BIT_FLIPPED -> {
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          int at = 5 + random.nextInt(good.length - 5);
          good[at] ^= (byte) (1 << random.nextInt(8));
        }
        return good;
      }
      case HUGE_STRING -> {
        Boot b = boot; // built for this record alone
        b.setComponents(Map.of("acme.sensor", "7".repeat(4 * 1024 + random.nextInt(16 * 1024))));
        return serializer.serialize(topic, b);
      }
      case ABSURD_TIMESTAMP -> {
        Boot b = boot; // built for this record alone
        b.setBootTime(
            random.nextBoolean()
                ? Instant.ofEpochMilli(random.nextInt(1_000_000))
                : Instant.parse("2500-01-01T00:00:00Z").plusSeconds(random.nextInt(1_000_000)));
        return serializer.serialize(topic, b);
      }
      case KEY_OF_ANOTHER_DEVICE -> {
        return good;
      }
      case HOSTILE_COMPONENT_ID -> {
        Boot b = boot; // built for this record alone
        b.setComponents(Map.of(HOSTILE_IDS.get(random.nextInt(HOSTILE_IDS.size())), "1.0"));
        return serializer.serialize(topic, b);
      }
      case EMPTY -> {
        return null;
      }
      default -> throw new IllegalArgumentException(damage.name());
    }
  }
}
