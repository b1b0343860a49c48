package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's forgeries, as an attacker would send them: records of registered schemas written as raw
 * bytes in Confluent's wire format (magic byte, schema id, Avro binary) to the real broker, with
 * the real registry, three partitions per input, exactly-once, and a real fault in the same run.
 * The processor keeps running, detection still fires, and every forged record is in the dead-letter
 * topic with its reason (the heartbeat that claims another vendor is well formed, so it is not a
 * dead letter: it is ignored, and no feed of its vendor is written).
 */
class ForgedInputIT {

  private static final int DEVICES = 120;
  private static final int VERSIONS_BOUND = 20;
  private static final int FORGED_VERSIONS = 10_000;
  private static final Map<String, String> ON_290 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");

  private RealPipeline pipeline;

  @BeforeEach
  void start() throws Exception {
    pipeline =
        new RealPipeline(
            3, Map.of("ingest.max.versions.per.component", String.valueOf(VERSIONS_BOUND)));
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  private static Map<String, String> with(String component, String version) {
    Map<String, String> v = new LinkedHashMap<>(ON_290);
    v.put(component, version);
    return v;
  }

  /** {@code record} in Confluent's wire format under {@code schemaId}, by hand. */
  private static byte[] wire(int schemaId, SpecificRecordBase record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<>(record.getSchema(), SpecificModels.forClass(record.getClass()))
        .write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** The id the registry gave {@code type}'s schema (registered by the project's own serde). */
  private int schemaId(
      Class<? extends SpecificRecordBase> type, SpecificRecordBase sample, String topic) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    byte[] bytes =
        ((org.apache.kafka.common.serialization.Serializer)
                pipeline.serdes.value(type).serializer())
            .serialize(topic, sample);
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  @Test
  void forgeriesAreDeadLetteredAndARealFaultIsStillRolledBack() throws Exception {
    var topics = pipeline.topics;
    Map<String, Boot> forgedBoots = new LinkedHashMap<>();
    forgedBoots.put("tick-component", boot("forger-1", "canary", t(1), with("tick#1", "1@1")));
    forgedBoots.put("pipe", boot("forger-2", "canary", t(1), with("a|b", "1")));
    forgedBoots.put("at", boot("forger-3", "canary", t(1), with("acme.sensor@x", "1")));
    forgedBoots.put("hash-version", boot("forger-4", "canary", t(1), with("x", "1#2")));
    forgedBoots.put("control", boot("forger-5", "canary", t(1), with("acme\u0007sensor", "1")));
    forgedBoots.put("long", boot("forger-6", "canary", t(1), with("x".repeat(10_000), "1")));
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 10_000; i++) {
      many.put("component-" + i, "1");
    }
    forgedBoots.put("components", boot("forger-7", "canary", t(1), many));
    SensorHeartbeat otherVendor = heartbeat("dev-0", "canary", t(2), ON_290);
    otherVendor.setVendor("evil");
    SensorHeartbeat badVendor = heartbeat("forger-8", "canary", t(2), ON_290);
    badVendor.setVendor("../evil");

    int bootId = schemaId(Boot.class, forgedBoots.get("pipe"), topics.boots());
    int beatId = schemaId(SensorHeartbeat.class, otherVendor, topics.heartbeats());
    try (KafkaProducer<String, Object> producer = pipeline.producer();
        KafkaProducer<byte[], byte[]> raw = pipeline.rawProducer()) {
      for (int i = 0; i < DEVICES; i++) {
        pipeline.send(producer, boot("dev-" + i, "canary", t(i * 0.01), ON_290));
      }
      producer.flush();
      for (Boot b : forgedBoots.values()) {
        raw.send(
            rawRecord(
                topics.boots(), b.getDeviceId(), b.getBootTime().toEpochMilli(), wire(bootId, b)));
      }
      for (SensorHeartbeat h : List.of(otherVendor, badVendor)) {
        raw.send(
            rawRecord(
                topics.heartbeats(), h.getDeviceId(), h.getTime().toEpochMilli(), wire(beatId, h)));
      }
      // one device claims ten thousand versions of one component
      for (int v = 0; v < FORGED_VERSIONS; v++) {
        Boot b = boot("forger-9", "canary", t(3 + v * 0.0001), with("forged.component", "v" + v));
        raw.send(
            rawRecord(
                topics.boots(), b.getDeviceId(), b.getBootTime().toEpochMilli(), wire(bootId, b)));
      }
      raw.flush();
      // the real fault, in the same run
      pipeline.sendFaultyContent291(producer, DEVICES);
    }

    assertThat(pipeline.rollbacks()).containsExactly("acme.sensor-content@291/e1/ROLLBACK");

    // every forged boot but the one with too many components, and the heartbeat of vendor ../evil
    int invalid = forgedBoots.size() - 1 + 1;
    int tooManyVersions = FORGED_VERSIONS - VERSIONS_BOUND;
    int expected = invalid + 1 + tooManyVersions;
    List<DeadLetter> letters =
        pipeline.read(topics.deadLetters(), DeadLetter.class, l -> l.size() >= expected);
    Map<String, Long> byReason =
        letters.stream()
            .collect(
                Collectors.groupingBy(DeadLetter::getReason, TreeMap::new, Collectors.counting()));
    assertThat(byReason)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "INVALID_FIELD", (long) invalid,
                "TOO_MANY_COMPONENTS", 1L,
                "TOO_MANY_VERSIONS", (long) tooManyVersions));
    for (Boot b : forgedBoots.values()) {
      assertThat(letters)
          .as("dead letter of %s", b.getDeviceId())
          .anySatisfy(
              l ->
                  assertThat(StandardCharsets.UTF_8.decode(l.getKey().duplicate()).toString())
                      .isEqualTo(b.getDeviceId()));
    }
    assertThat(letters)
        .filteredOn(l -> l.getReason().equals("INVALID_FIELD"))
        .extracting(DeadLetter::getDetail)
        .anySatisfy(d -> assertThat(d).contains("'tick#1'"))
        .anySatisfy(d -> assertThat(d).contains("\\u0007"))
        .anySatisfy(d -> assertThat(d).contains("10000 characters"))
        .anySatisfy(d -> assertThat(d).contains("vendor '../evil'"));

    // the heartbeat that claimed acme's content for "evil" moved no feed
    List<VendorHealth> acme =
        pipeline.read(
            topics.vendorHealth("acme"),
            VendorHealth.class,
            list -> list.stream().anyMatch(h -> h.getComponent().equals("acme.sensor-content")));
    assertThat(acme).allSatisfy(h -> assertThat(h.getVendor()).isEqualTo("acme"));
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", pipeline.stack.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get())
          .noneMatch(name -> name.contains("evil"))
          .noneMatch(name -> name.contains("tick#"));
    }
    assertThat(pipeline.processor.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  private static ProducerRecord<byte[], byte[]> rawRecord(
      String topic, String key, long timestamp, byte[] value) {
    return new ProducerRecord<>(
        topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), value);
  }
}
