package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.emitter.spool.Spool;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.emitter.spool.SpooledRecord;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spooled records that can never be decoded (an unknown type byte, a writer schema the spool does
 * not hold, bytes cut short on disk) between valid ones, on the real broker and registry of {@link
 * LocalStack#shared()}: the valid ones are all delivered, once, and each bad one is moved to the
 * spool's quarantine with its reason, instead of holding back everything spooled after it.
 */
class UndecodableSpooledEventIT {

  private static final int VALID_BEFORE = 5;
  private static final int VALID_AFTER = 5;

  @Test
  @Timeout(120)
  void undecodableRecordsAreQuarantinedAndTheRecordsAfterThemDelivered() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "undecodable-" + run;
    Topics topics = TestEvents.topics(prefix);
    Path spoolDir =
        Files.createDirectories(Path.of("target", "undecodable-" + run)).toAbsolutePath();
    LocalStack stack = LocalStack.shared();
    stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());

    EventCodec codec = new EventCodec(SpoolSchemas.of(spoolDir));
    List<String> valid = new ArrayList<>();
    try (Spool spool = Spool.open(spoolDir, SpoolConfig.defaults())) {
      for (int n = 0; n < VALID_BEFORE; n++) {
        spool.append(spooled(topics, TestEvents.event(prefix, n), codec, valid));
      }
      // event 3k + 2 of TestEvents is a heartbeat
      byte[] good = codec.encode(TestEvents.event(prefix, 101));
      byte[] unknownType = good.clone();
      unknownType[0] = 9;
      byte[] unknownSchema = good.clone();
      unknownSchema[3] ^= (byte) 0xFF; // a byte of the writer schema's fingerprint
      byte[] cutShort = Arrays.copyOf(good, good.length / 2);
      for (byte[] bad : List.of(unknownType, unknownSchema, cutShort)) {
        spool.append(
            new SpooledRecord(
                topics.heartbeats(), "dev-0".getBytes(StandardCharsets.UTF_8), bad, 0));
      }
      for (int n = VALID_BEFORE; n < VALID_BEFORE + VALID_AFTER; n++) {
        spool.append(spooled(topics, TestEvents.event(prefix, n), codec, valid));
      }
    }

    try (SpoolingEmitter emitter =
        new SpoolingEmitter(
            spoolDir,
            SpoolConfig.defaults(),
            stack.bootstrapServers(),
            EventSerdes.connect(stack.schemaRegistryUrl()),
            topics)) {
      await("spool drained").atMost(Duration.ofSeconds(60)).until(() -> emitter.pending() == 0);
      assertThat(emitter.quarantined()).isEqualTo(3);
      assertThat(emitter.delivered()).isEqualTo(VALID_BEFORE + VALID_AFTER);
    }

    List<String> ids = new ArrayList<>();
    for (Delivered d :
        TopicContents.readAll(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics)) {
      ids.add(d.eventId());
    }
    assertThat(ids).as("event ids on the broker").containsExactlyInAnyOrderElementsOf(valid);

    Path quarantine = spoolDir.resolve(SpoolingEmitter.QUARANTINE);
    List<String> reasons = new ArrayList<>();
    try (Stream<Path> files = Files.list(quarantine)) {
      for (Path f : files.sorted().toList()) {
        if (f.toString().endsWith(".reason")) {
          reasons.add(Files.readString(f));
          String event = f.getFileName().toString().replace(".reason", ".event");
          assertThat(quarantine.resolve(event)).as("the record's bytes beside its reason").exists();
        }
      }
    }
    assertThat(reasons).hasSize(3);
    assertThat(String.join("", reasons))
        .contains("unknown type byte")
        .contains("names a schema the spool does not hold");
    System.out.printf(
        "emitter undecodable spool figures: %d valid and 3 undecodable records spooled; delivered"
            + " %d (%d distinct), quarantined %d%n",
        valid.size(), ids.size(), ids.stream().distinct().count(), reasons.size());
  }

  private static SpooledRecord spooled(
      Topics topics, SpecificRecord event, EventCodec codec, List<String> ids) {
    ids.add(TestEvents.eventId(event));
    return new SpooledRecord(
        TestEvents.topicOf(topics, event),
        "dev-0".getBytes(StandardCharsets.UTF_8),
        codec.encode(event),
        System.currentTimeMillis());
  }
}
