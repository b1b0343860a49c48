package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.emitter.event.AvroTwins;
import dev.crashwatch.emitter.event.EventType;
import dev.crashwatch.emitter.event.HeartbeatEvent;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventCodecTest {

  private static final Path RELEASED_V1 = Path.of("..", "schemas", "released", "v1");

  @TempDir Path spool;

  @Test
  void roundTripsEachEventTypeAndKeepsItsSchemaInTheSpool() throws Exception {
    EventCodec codec = new EventCodec(SpoolSchemas.of(spool));
    for (long n = 0; n < 3; n++) {
      SpecificRecord event = TestEvents.event("codec", n);
      byte[] bytes = codec.encode(event);
      assertThat(new EventCodec(SpoolSchemas.of(spool)).decode(bytes)).isEqualTo(event);
    }
    try (Stream<Path> files = Files.list(spool.resolve("schemas"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .hasSize(3)
          .allMatch(name -> name.matches("[0-9a-f]{16}\\.avsc"));
    }
  }

  @Test
  void spoolsAnEndpointEventAsTheGeneratedRecordWithTheSameFieldsAndSendsItAsItIs()
      throws Exception {
    HeartbeatEvent beat =
        new HeartbeatEvent(
            "e-1",
            "dev-1",
            "tenant-7",
            "canary",
            "acme",
            "acme.sensor",
            "7.11.18110",
            "291",
            dev.crashwatch.emitter.event.SensorMode.KERNEL,
            dev.crashwatch.emitter.event.SensorHealth.OK,
            Instant.parse("2024-07-19T04:09:00Z"),
            Map.of("acme.sensor", "7.11.18110"));
    EventCodec codec = new EventCodec(SpoolSchemas.of(spool));

    byte[] ours = codec.encode(beat);

    assertThat(ours).isEqualTo(codec.encode(AvroTwins.of(beat)));
    assertThat(EventCodec.currentType(ours)).contains(EventType.HEARTBEAT);
    // the schema the endpoint wrote as text reads as the generated class's
    assertThat(new EventCodec(SpoolSchemas.of(spool)).decode(ours)).isEqualTo(AvroTwins.of(beat));
  }

  @Test
  void sendsAsItIsOnlyAnEventInThisEmittersOwnSchemaOfItsType() throws Exception {
    EventCodec codec = new EventCodec(SpoolSchemas.of(spool));
    SensorHeartbeat current = (SensorHeartbeat) TestEvents.event("as-is", 2);
    byte[] own = codec.encode(current);
    assertThat(EventCodec.currentType(own)).contains(EventType.HEARTBEAT);

    assertThat(EventCodec.currentType(codec.encode(olderHeartbeat(current)))).isEmpty();
    byte[] otherType = own.clone();
    otherType[0] = 0; // a heartbeat's fingerprint under a boot's type byte
    assertThat(EventCodec.currentType(otherType)).isEmpty();
    assertThat(EventCodec.currentType(new byte[] {2, (byte) 0xC3, 0x01})).isEmpty();
  }

  @Test
  void readsAnOlderSchemaWithTheFieldsItLackedAtTheirDefaults() {
    SensorHeartbeat current = (SensorHeartbeat) TestEvents.event("older", 2);

    byte[] bytes = new EventCodec(SpoolSchemas.of(spool)).encode(olderHeartbeat(current));

    // another process: it knows the older schema only from the spool
    SensorHeartbeat expected = copy(current);
    expected.setMode(SensorMode.UNKNOWN);
    expected.setHealth(SensorHealth.UNKNOWN);
    expected.setComponents(Map.of());
    assertThat(new EventCodec(SpoolSchemas.of(spool)).decode(bytes)).isEqualTo(expected);
  }

  @Test
  void refusesARecordWhoseSchemaTheSpoolDoesNotHold() throws Exception {
    SensorHeartbeat current = (SensorHeartbeat) TestEvents.event("lost", 2);
    byte[] bytes = new EventCodec(SpoolSchemas.of(spool)).encode(olderHeartbeat(current));
    try (Stream<Path> files = Files.list(spool.resolve("schemas"))) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    assertThatThrownBy(() -> new EventCodec(SpoolSchemas.of(spool)).decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names a schema the spool does not hold");
  }

  /** {@code current} in a heartbeat schema without mode, health, content version, components. */
  private static GenericData.Record olderHeartbeat(SensorHeartbeat current) {
    Schema older =
        SchemaBuilder.record("SensorHeartbeat")
            .namespace("dev.crashwatch.events")
            .fields()
            .requiredString("eventId")
            .requiredString("deviceId")
            .requiredString("tenantId")
            .requiredString("ring")
            .requiredString("vendor")
            .requiredString("product")
            .requiredString("agentVersion")
            .name("time")
            .type(SensorHeartbeat.getClassSchema().getField("time").schema())
            .noDefault()
            .endRecord();
    GenericData.Record record = new GenericData.Record(older);
    older.getFields().forEach(f -> record.put(f.name(), current.get(f.name())));
    return record;
  }

  /** A field-by-field copy (the builder's deep copy refuses the enum classes' trust check). */
  static SensorHeartbeat copy(SensorHeartbeat h) {
    SensorHeartbeat copy = new SensorHeartbeat();
    for (int i = 0; i < h.getSchema().getFields().size(); i++) {
      copy.put(i, h.get(i));
    }
    return copy;
  }

  /**
   * Spools of the first layout carry no schema and are read with the current one, which is right
   * only while it equals version 1, the one schema the emitters of that layout had. When this
   * fails, give {@link EventCodec} the version 1 schemas to read that layout with.
   */
  @Test
  void theCurrentEventSchemasAreStillVersion1() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    for (Class<?> type :
        List.of(
            dev.crashwatch.events.Boot.class,
            dev.crashwatch.events.Crash.class,
            SensorHeartbeat.class)) {
      Schema v1 = parser.parse(RELEASED_V1.resolve(type.getSimpleName() + ".avsc").toFile());
      // as a writer schema: the canonical form (no docs, defaults or Java string hints)
      assertThat(SpoolSchemas.fingerprint(SpecificData.get().getSchema(type)))
          .as(type.getSimpleName())
          .isEqualTo(SpoolSchemas.fingerprint(v1));
    }
  }
}
