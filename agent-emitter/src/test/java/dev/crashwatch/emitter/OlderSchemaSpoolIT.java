package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.emitter.spool.Spool;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.emitter.spool.SpooledRecord;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spool written by emitters of older event schemas, replayed end to end by this emitter on the
 * real broker and registry: every spooled event arrives once, in the current schema, as the
 * processor's deserializer reads it, the fields an older schema lacked holding their defaults.
 *
 * <p>The spool holds what two older emitters left in it: events in the first layout (the type byte
 * and the bare Avro binary of schema version 1, {@code schemas/released/v1}, the only version those
 * emitters had, written here as they wrote it), and heartbeats of a schema older than version 1,
 * spooled in the current layout. Version 1 is the only released version of the event schemas and
 * equals the current one, so the older heartbeat schema is made from it: version 1 without the
 * fields it gives defaults ({@code contentVersion}, {@code mode}, {@code health}, {@code
 * components}), which is what version 1 would have been had those been added compatibly later.
 */
class OlderSchemaSpoolIT {

  private static final Path RELEASED_V1 = Path.of("..", "schemas", "released", "v1");
  private static final int VERSION_1_EVENTS = 30;
  private static final int OLDER_HEARTBEATS = 12;

  @Test
  @Timeout(120)
  void aSpoolOfOlderSchemasIsDeliveredOnceInTheCurrentSchema() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("older-" + run);
    Path work = Files.createDirectories(Path.of("target", "older-spool-" + run)).toAbsolutePath();
    Path spoolDir = work.resolve("spool");
    LocalStack stack = LocalStack.shared();
    long started = System.nanoTime(); // after the shared stack, which is started once per JVM
    stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());

    Map<String, Schema> version1 = version1Schemas();
    Schema olderHeartbeat = withoutDefaultedFields(version1.get("SensorHeartbeat"));
    Map<String, SpecificRecord> expected = new LinkedHashMap<>();
    try (Spool spool = Spool.open(spoolDir, SpoolConfig.defaults())) {
      for (int n = 0; n < VERSION_1_EVENTS; n++) {
        SpecificRecord event = TestEvents.event("v1-" + run, n);
        Schema writer = version1.get(event.getSchema().getName());
        spool.append(spooled(topics, event, firstLayout(event, writer)));
        expected.put(TestEvents.eventId(event), event);
      }
      EventCodec olderEmitter = new EventCodec(SpoolSchemas.of(spoolDir));
      for (int n = 0; n < OLDER_HEARTBEATS; n++) {
        // event 3k + 2 of TestEvents is a heartbeat, with a mode, a health and components
        SensorHeartbeat current = (SensorHeartbeat) TestEvents.event("v0-" + run, 3L * n + 2);
        GenericData.Record older = new GenericData.Record(olderHeartbeat);
        olderHeartbeat.getFields().forEach(f -> older.put(f.name(), current.get(f.name())));
        spool.append(spooled(topics, current, olderEmitter.encode(older)));
        SensorHeartbeat withDefaults = EventCodecTest.copy(current);
        withDefaults.setContentVersion(null);
        withDefaults.setMode(SensorMode.UNKNOWN);
        withDefaults.setHealth(SensorHealth.UNKNOWN);
        withDefaults.setComponents(Map.of());
        expected.put(current.getEventId(), withDefaults);
      }
    }
    assertThat(TopicContents.count(stack.bootstrapServers(), topics)).isZero();

    // The current emitter, a process of its own, on that spool: it adds nothing, drains, exits.
    try (EmitterProcess p =
        EmitterProcess.start(
            work.resolve("emitter.log"),
            spoolDir.toString(),
            stack.bootstrapServers(),
            stack.schemaRegistryUrl(),
            "older-" + run,
            "current-" + run,
            "0",
            "0")) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as("exit status of the emitter").isZero();
      assertThat(p.drained()).as("events left in the spool").contains(0L);
      assertThat(p.unexpectedLines()).isEmpty();
    }

    List<Delivered> delivered =
        TopicContents.readAll(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
    List<String> ids = new ArrayList<>();
    delivered.forEach(d -> ids.add(d.eventId()));
    assertThat(ids).as("event ids on the broker: each spooled one, once").hasSize(expected.size());
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Delivered d : delivered) {
      assertThat(d.event())
          .as("%s as the processor's deserializer reads it", d.eventId())
          .isEqualTo(expected.get(d.eventId()));
      assertThat(d.topic()).isEqualTo(TestEvents.topicOf(topics, d.event()));
    }
    System.out.printf(
        "emitter older-schema spool figures: %d events spooled in the first layout (schema v1), %d"
            + " heartbeats of an older schema; delivered %d records, %d distinct, lost %d,"
            + " duplicated %d, in %.1f s%n",
        VERSION_1_EVENTS,
        OLDER_HEARTBEATS,
        delivered.size(),
        ids.stream().distinct().count(),
        expected.size() - ids.stream().distinct().count(),
        delivered.size() - ids.stream().distinct().count(),
        (System.nanoTime() - started) / 1e9);
  }

  /** Boot, Crash and SensorHeartbeat as released in version 1, by simple name. */
  private static Map<String, Schema> version1Schemas() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> schemas = new LinkedHashMap<>();
    for (String name : List.of("Boot", "Crash", "SensorHeartbeat")) {
      schemas.put(name, parser.parse(RELEASED_V1.resolve(name + ".avsc").toFile()));
    }
    return schemas;
  }

  /** {@code schema} without the fields that have a default, as an older version of it. */
  private static Schema withoutDefaultedFields(Schema schema) {
    List<Schema.Field> kept = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (!f.hasDefaultValue()) {
        kept.add(new Schema.Field(f, f.schema()));
      }
    }
    assertThat(kept).hasSizeLessThan(schema.getFields().size());
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
  }

  /** What emitters before the schema fingerprint spooled: the type byte, then bare Avro binary. */
  private static byte[] firstLayout(SpecificRecord event, Schema writer) throws Exception {
    int type = List.of("Boot", "Crash", "SensorHeartbeat").indexOf(writer.getName());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(writer, SpecificModels.forClass(event.getClass()))
        .write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static SpooledRecord spooled(Topics topics, SpecificRecord event, byte[] value) {
    String device =
        ((CharSequence) event.get(event.getSchema().getField("deviceId").pos())).toString();
    // the record's time, as SpoolingEmitter gives it: boot time, upload time, heartbeat time
    long timestamp;
    if (event instanceof dev.crashwatch.events.Boot b) {
      timestamp = b.getBootTime().toEpochMilli();
    } else if (event instanceof dev.crashwatch.events.Crash c) {
      timestamp = c.getUploadTime().toEpochMilli();
    } else {
      timestamp = ((SensorHeartbeat) event).getTime().toEpochMilli();
    }
    return new SpooledRecord(
        TestEvents.topicOf(topics, event),
        device.getBytes(StandardCharsets.UTF_8),
        value,
        timestamp);
  }
}
