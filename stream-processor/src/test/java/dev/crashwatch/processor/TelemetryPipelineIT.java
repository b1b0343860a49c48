package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Settings;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology on a real KRaft broker and a real schema registry, with three partitions per input
 * topic, so that co-partitioning by device and the repartition by version are really exercised, and
 * with exactly-once processing as in production.
 */
class TelemetryPipelineIT {

  private static final int PARTITIONS = 3;
  private static final int DEVICES = 120;
  private static final Map<String, String> ON_290 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");
  private static final Map<String, String> ON_291 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "291", "windows", "22631.3880");

  private final LocalStack stack = LocalStack.shared();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private Topics topics;
  private EventSerdes serdes;
  private StreamProcessor processor;

  @BeforeEach
  void start() throws Exception {
    Settings settings =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", stack.bootstrapServers(), "test")
            .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
            .with("application.id", "pipeline-it-" + run, "test")
            .with(
                "state.dir",
                Files.createTempDirectory(Path.of("target"), "streams-").toString(),
                "test")
            .with("topic.boots", "boots-" + run, "test")
            .with("topic.crashes", "crashes-" + run, "test")
            .with("topic.heartbeats", "heartbeats-" + run, "test")
            .with("topic.dead.letters", "dead-letters-" + run, "test")
            .with("topic.rollback.signals", "rollback-signals-" + run, "test")
            .with("topic.spike.alerts", "spike-alerts-" + run, "test")
            .with("topic.vendor.health.prefix", "vendor-health-" + run + ".", "test");
    ProcessorSettings processorSettings = new ProcessorSettings(settings);
    topics = processorSettings.topics();
    stack.createTopics(PARTITIONS, topics.boots(), topics.crashes(), topics.heartbeats());
    stack.createTopics(1, topics.deadLetters());
    // The broker does not auto-create topics: the outputs exist before the processor writes.
    // (vendor-health.<vendor> feeds are not: the processor creates them as it learns vendors)
    stack.createTopics(1, topics.rollbackSignals(), topics.spikeAlerts());
    serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    processor = new StreamProcessor(processorSettings);
    processor.start();
  }

  @AfterEach
  void stop() {
    processor.close();
  }

  @Test
  void telemetryFlowsThroughBrokerAndRegistryIntoPerVersionFigures() throws Exception {
    try (KafkaProducer<String, Object> producer = producer()) {
      for (int i = 0; i < DEVICES; i++) {
        String device = "dev-" + i;
        send(producer, topics.boots(), boot(device, "canary", t(i * 0.01), ON_290));
      }
      // A third of the fleet takes content 291 and crash-loops on it: each device counts once.
      for (int i = 0; i < DEVICES; i += 3) {
        String device = "dev-" + i;
        send(producer, topics.heartbeats(), heartbeat(device, "canary", t(10 + i * 0.01), ON_291));
        for (int loop = 0; loop < 3; loop++) {
          send(
              producer,
              topics.crashes(),
              crash(
                  device,
                  t(12 + loop + i * 0.01),
                  CrashKind.KERNEL_BUGCHECK,
                  "0x50",
                  "acmesensor.sys",
                  ON_291));
        }
      }
      // Garbage on the wire, between valid records.
      producer.flush();
      try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
        raw.send(
                new ProducerRecord<>(
                    topics.crashes(),
                    null,
                    t(20).toEpochMilli(),
                    "dev-1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {7, 0, 0, 0, 1, 2}))
            .get();
      }
      send(producer, topics.heartbeats(), heartbeat("dev-1", "canary", t(21), ON_290));
    }

    await("per-version figures")
        .atMost(Duration.ofSeconds(90))
        // The store is queryable only once the processor is RUNNING.
        .ignoreException(InvalidStateStoreException.class)
        .untilAsserted(
            () -> {
              VersionStats content291 = stats().get(VersionKey.of("acme.sensor-content", "291"));
              assertThat(content291).isNotNull();
              assertThat(VersionStatsProcessor.exposed(content291)).isEqualTo(DEVICES / 3);
              assertThat(content291.getCrashedDevices()).isEqualTo(DEVICES / 3);
              VersionStats content290 = stats().get(VersionKey.of("acme.sensor-content", "290"));
              assertThat(VersionStatsProcessor.exposed(content290))
                  .isEqualTo(DEVICES - DEVICES / 3);
            });

    List<DeadLetter> letters = readDeadLetters(1);
    assertThat(letters)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.getReason()).isEqualTo("BAD_MAGIC_BYTE");
              assertThat(letter.getSourceTopic()).isEqualTo(topics.crashes());
              assertThat(letter.getApplication()).isEqualTo("pipeline-it-" + run);
            });
  }

  @Test
  void aFaultyContentVersionIsSignalledAndReportedOnTheVendorsOwnFeed() throws Exception {
    try (KafkaProducer<String, Object> producer = producer()) {
      for (int i = 0; i < DEVICES; i++) {
        send(producer, topics.boots(), boot("dev-" + i, "canary", t(i * 0.01), ON_290));
      }
      for (int i = 0; i < DEVICES; i += 3) {
        String device = "dev-" + i;
        send(producer, topics.heartbeats(), heartbeat(device, "canary", t(10 + i * 0.01), ON_291));
        send(
            producer,
            topics.crashes(),
            crash(
                device,
                t(12 + i * 0.01),
                CrashKind.KERNEL_BUGCHECK,
                "0x50",
                "acmesensor.sys",
                ON_291));
      }
      for (int m = 16; m <= 22; m++) {
        send(producer, topics.heartbeats(), heartbeat("dev-1", "canary", t(m), ON_290));
      }
    }

    List<RollbackSignal> signals =
        read(
            topics.rollbackSignals(),
            RollbackSignal.class,
            list ->
                list.stream()
                    .anyMatch(
                        s ->
                            s.getComponent().equals("acme.sensor-content")
                                && s.getVersion().equals("291")
                                && s.getAction() == SignalAction.ROLLBACK));
    assertThat(signals)
        .filteredOn(s -> s.getAction() == SignalAction.ROLLBACK)
        .extracting(RollbackSignal::getSignalId)
        .containsExactly("acme.sensor-content@291/e1/ROLLBACK");
    List<VendorHealth> health =
        read(
            topics.vendorHealth("acme"),
            VendorHealth.class,
            list ->
                list.stream()
                    .anyMatch(
                        h ->
                            h.getComponent().equals("acme.sensor-content")
                                && h.getVersion().equals("291")));
    assertThat(health).allSatisfy(h -> assertThat(h.getVendor()).isEqualTo("acme"));
  }

  private <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
      String topic, Class<T> type, java.util.function.Predicate<List<T>> done) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "reader-" + topic,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<T> values = new ArrayList<>();
    try (KafkaConsumer<byte[], T> consumer =
        new KafkaConsumer<>(
            config, new ByteArrayDeserializer(), serdes.value(type).deserializer())) {
      // the topic may not exist yet (vendor feeds are created by the processor)
      await(topic + " exists")
          .atMost(Duration.ofSeconds(90))
          .until(() -> consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic));
      consumer.subscribe(List.of(topic));
      await(topic)
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return done.test(values);
              });
    }
    return values;
  }

  private ReadOnlyKeyValueStore<StatsKey, VersionStats> stats() {
    KafkaStreams streams = processor.streams();
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            VersionStatsProcessor.STORE, QueryableStoreTypes.keyValueStore()));
  }

  private List<DeadLetter> readDeadLetters(int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "dead-letter-reader-" + run,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<DeadLetter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], DeadLetter> consumer =
        new KafkaConsumer<>(
            config, new ByteArrayDeserializer(), serdes.value(DeadLetter.class).deserializer())) {
      consumer.subscribe(List.of(topics.deadLetters()));
      await("dead letters")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> letters.add(r.value()));
                return letters.size() >= expected;
              });
    }
    return letters;
  }

  private KafkaProducer<String, Object> producer() {
    var boots = serdes.value(Boot.class).serializer();
    var crashes = serdes.value(Crash.class).serializer();
    var beats = serdes.value(SensorHeartbeat.class).serializer();
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new StringSerializer(),
        (topic, value) ->
            value instanceof Boot b
                ? boots.serialize(topic, b)
                : value instanceof Crash c
                    ? crashes.serialize(topic, c)
                    : beats.serialize(topic, (SensorHeartbeat) value));
  }

  private KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void send(KafkaProducer<String, Object> producer, String topic, Boot b) {
    producer.send(
        new ProducerRecord<>(topic, null, b.getBootTime().toEpochMilli(), b.getDeviceId(), b));
  }

  private static void send(
      KafkaProducer<String, Object> producer, String topic, SensorHeartbeat h) {
    producer.send(
        new ProducerRecord<>(topic, null, h.getTime().toEpochMilli(), h.getDeviceId(), h));
  }

  private static void send(KafkaProducer<String, Object> producer, String topic, Crash c) {
    producer.send(
        new ProducerRecord<>(topic, null, c.getCrashTime().toEpochMilli(), c.getDeviceId(), c));
  }
}
