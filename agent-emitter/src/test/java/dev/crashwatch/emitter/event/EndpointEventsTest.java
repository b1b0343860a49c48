package dev.crashwatch.emitter.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's events against the generated classes: the same schema text and fingerprint, the
 * same enum symbols in the same order, and byte for byte the binary Avro's own writer writes.
 */
class EndpointEventsTest {

  private static final Instant T1 = Instant.parse("2024-07-19T04:09:00.123Z");
  private static final Instant T2 = Instant.parse("2024-07-19T05:27:31.999Z");

  @Test
  void eachTypeCarriesTheGeneratedClassesSchemaTextAndFingerprint() {
    Map<EventType, Schema> generated =
        Map.of(
            EventType.BOOT, Boot.SCHEMA$,
            EventType.CRASH, Crash.SCHEMA$,
            EventType.HEARTBEAT, SensorHeartbeat.SCHEMA$);
    for (EventType type : EventType.values()) {
      Schema schema = generated.get(type);
      assertThat(type.fullName()).isEqualTo(schema.getFullName());
      assertThat(type.schemaText())
          .as(
              "%s's schema changed: put this text in agent-emitter/src/main/resources/"
                  + "dev/crashwatch/emitter/event/%s.avsc and its fingerprint in EventType: %s",
              type, schema.getName(), schema)
          .isEqualTo(schema.toString());
      assertThat(type.fingerprint())
          .as("%s: 0x%016XL", type, SchemaNormalization.parsingFingerprint64(schema))
          .isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
      assertThat(EventType.byFingerprint(type.fingerprint())).contains(type);
    }
    assertThat(EventType.byFingerprint(0L)).isEmpty();
  }

  @Test
  void enumsHaveTheSchemasSymbolsInTheirOrder() {
    assertSameSymbols(ShutdownKind.class, dev.crashwatch.events.ShutdownKind.class);
    assertSameSymbols(CrashKind.class, dev.crashwatch.events.CrashKind.class);
    assertSameSymbols(SensorMode.class, dev.crashwatch.events.SensorMode.class);
    assertSameSymbols(SensorHealth.class, dev.crashwatch.events.SensorHealth.class);
  }

  @Test
  void bootIsWrittenAsAvroWritesIt() throws IOException {
    for (ShutdownKind shutdown : ShutdownKind.values()) {
      BootEvent boot =
          new BootEvent(
              "e-1",
              "dev-1",
              "tenant-7",
              "canary",
              "b-1",
              T1,
              "6.1.0-21-amd64",
              shutdown,
              components("linux", "6.1.0-21-amd64", "acme.sensor", "7.11.18110"));
      assertSameBytes(boot, AvroTwins.of(boot));
    }
    BootEvent bare =
        new BootEvent("", "dév-ü ✓", "", "", "", Instant.EPOCH, "", ShutdownKind.CLEAN, Map.of());
    assertSameBytes(bare, AvroTwins.of(bare));
  }

  @Test
  void crashIsWrittenAsAvroWritesItWithAndWithoutItsOptionalFields() throws IOException {
    CrashEvent full =
        new CrashEvent(
            "e-2",
            "dev-2",
            "tenant-7",
            "broad",
            "b-0",
            T1,
            T2,
            CrashKind.HANG,
            "PAGE_FAULT_IN_NONPAGED_AREA",
            List.of("0x50", "ffff9e8f"),
            "csagent.sys",
            "7.11.18110",
            "0x50_csagent.sys",
            components("acme.sensor-content", "291"));
    assertSameBytes(full, AvroTwins.of(full));
    CrashEvent sparse =
        new CrashEvent(
            "e-3",
            "dev-3",
            "tenant-7",
            null,
            "b-0",
            T1,
            T2,
            CrashKind.UNKNOWN,
            null,
            List.of(),
            null,
            null,
            null,
            Map.of());
    assertSameBytes(sparse, AvroTwins.of(sparse));
  }

  @Test
  void heartbeatIsWrittenAsAvroWritesIt() throws IOException {
    for (SensorHealth health : SensorHealth.values()) {
      for (String content : Arrays.asList("291", null)) {
        HeartbeatEvent beat =
            new HeartbeatEvent(
                "e-4",
                "dev-4",
                "tenant-7",
                "early",
                "acme",
                "acme.sensor",
                "7.11.18110",
                content,
                SensorMode.values()[health.ordinal() % SensorMode.values().length],
                health,
                T2,
                components(
                    "linux", "6.1", "acme.sensor", "7.11.18110", "acme.sensor-content", "291"));
        assertSameBytes(beat, AvroTwins.of(beat));
      }
    }
  }

  @Test
  void refusesAMissingRequiredFieldByName() {
    assertThatThrownBy(
            () -> new BootEvent("e", "d", "t", "r", "b", T1, null, ShutdownKind.CLEAN, Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("osBuild");
    Map<String, String> withNull = new LinkedHashMap<>();
    withNull.put("acme.sensor", null);
    assertThatThrownBy(
            () -> new BootEvent("e", "d", "t", "r", "b", T1, "os", ShutdownKind.CLEAN, withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("components.acme.sensor is null");
  }

  @Test
  void refusesBytesThatAreNotOneWholeEvent() throws IOException {
    BootEvent boot =
        new BootEvent("e", "d", "t", "r", "b", T1, "os", ShutdownKind.CRASH, Map.of("k", "v"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {7, 7, 7}); // what comes before the binary in a spooled record
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    boot.writeAvro(encoder);
    encoder.flush();
    byte[] bytes = out.toByteArray();
    assertThat(EventType.BOOT.read(bytes, 3)).isEqualTo(boot);

    assertThatThrownBy(() -> EventType.BOOT.read(Arrays.copyOf(bytes, bytes.length - 2), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a spooled Boot does not decode");
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> EventType.BOOT.read(longer, 3))
        .hasMessage("a spooled Boot has bytes after its last field");
    assertThatThrownBy(() -> EventType.HEARTBEAT.read(bytes, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a spooled SensorHeartbeat does not decode");
  }

  private static Map<String, String> components(String... idsAndVersions) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < idsAndVersions.length; i += 2) {
      m.put(idsAndVersions[i], idsAndVersions[i + 1]);
    }
    return m;
  }

  private static <E extends Enum<E>> void assertSameSymbols(
      Class<E> endpoint, Class<? extends Enum<?>> generated) {
    assertThat(Arrays.stream(endpoint.getEnumConstants()).map(Enum::name))
        .containsExactlyElementsOf(SpecificData.get().getSchema(generated).getEnumSymbols());
  }

  private static void assertSameBytes(EndpointEvent event, SpecificRecord avro) throws IOException {
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(ours, null);
    event.writeAvro(encoder);
    encoder.flush();

    ByteArrayOutputStream avros = new ByteArrayOutputStream();
    BinaryEncoder avroEncoder = EncoderFactory.get().binaryEncoder(avros, null);
    new SpecificDatumWriter<SpecificRecord>(
            avro.getSchema(), SpecificModels.forClass(avro.getClass()))
        .write(avro, avroEncoder);
    avroEncoder.flush();

    assertThat(ours.toByteArray()).as("%s", event).isEqualTo(avros.toByteArray());
    assertThat(event.type().read(avros.toByteArray(), 0)).as("read back").isEqualTo(event);
  }
}
