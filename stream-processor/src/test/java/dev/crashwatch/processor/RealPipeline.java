package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The stream processor on the real broker and registry of {@link LocalStack#shared()}: topics of
 * its own (named per run), the test fleet's catalogue and the acme and microsoft feeds created as
 * ops would, and helpers to write and read the topics.
 */
final class RealPipeline implements AutoCloseable {

  final LocalStack stack = LocalStack.shared();
  final String run = UUID.randomUUID().toString().substring(0, 8);
  final Topics topics;
  final EventSerdes serdes;
  final StreamProcessor processor;

  /**
   * @param overrides settings beyond the per-run names, e.g. tighter ingest bounds
   */
  RealPipeline(int partitions, Map<String, String> overrides) throws Exception {
    Settings settings =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", stack.bootstrapServers(), "test")
            .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
            .with("application.id", "pipeline-it-" + run, "test")
            .with(
                "state.dir",
                Files.createTempDirectory(Path.of("target"), "streams-").toString(),
                "test");
    for (Map.Entry<Setting, String> topic : Topics.ofRun(run).entrySet()) {
      settings = settings.with(topic.getKey().key(), topic.getValue(), "test");
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      settings = settings.with(e.getKey(), e.getValue(), "test");
    }
    ProcessorSettings processorSettings = new ProcessorSettings(settings);
    topics = processorSettings.topics();
    stack.createTopics(partitions, topics.boots(), topics.crashes(), topics.heartbeats());
    // The broker does not auto-create topics, and the processor creates none: the outputs, the
    // catalogue and the vendors' feeds exist before it writes, as ops would have them.
    stack.createTopics(
        1,
        topics.deadLetters(),
        topics.rollbackSignals(),
        topics.spikeAlerts(),
        topics.versionHealth(),
        topics.catalogue(),
        topics.vendorHealth("acme"),
        topics.vendorHealth("microsoft"));
    serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    new CatalogueClient(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            serdes,
            topics.catalogue())
        .put(
            List.of(
                entry("acme.sensor", "acme", "acmesensor.sys"),
                entry("acme.sensor-content", "acme", "acmesensor.sys"),
                entry("windows", "microsoft")));
    processor = new StreamProcessor(processorSettings);
    processor.start();
  }

  private static CatalogueEntry entry(String component, String vendor, String... modules) {
    return CatalogueClient.entry(component, vendor, List.of(modules), TestEvents.START);
  }

  /** Reads {@code topic} from the start until {@code done} holds for what was read. */
  <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<List<T>> done) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "reader-" + topic + "-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<T> values = new ArrayList<>();
    try (KafkaConsumer<byte[], T> consumer =
        new KafkaConsumer<>(
            config, new ByteArrayDeserializer(), serdes.value(type).deserializer())) {
      consumer.subscribe(List.of(topic));
      await(topic)
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return done.test(values);
              });
    }
    return values;
  }

  KafkaProducer<String, Object> producer() {
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

  KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  void send(KafkaProducer<String, Object> producer, Boot b) {
    producer.send(
        new ProducerRecord<>(
            topics.boots(), null, b.getBootTime().toEpochMilli(), b.getDeviceId(), b));
  }

  void send(KafkaProducer<String, Object> producer, SensorHeartbeat h) {
    producer.send(
        new ProducerRecord<>(
            topics.heartbeats(), null, h.getTime().toEpochMilli(), h.getDeviceId(), h));
  }

  void send(KafkaProducer<String, Object> producer, Crash c) {
    producer.send(
        new ProducerRecord<>(
            topics.crashes(), null, c.getCrashTime().toEpochMilli(), c.getDeviceId(), c));
  }

  /**
   * A third of {@code devices} (booted on content 290 as dev-0...) take content 291 at t(10) and
   * crash in acme's module from t(12); a quiet device moves time on to t(22).
   */
  void sendFaultyContent291(KafkaProducer<String, Object> producer, int devices) {
    Map<String, String> on290 =
        versions(
            "acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");
    Map<String, String> on291 = new java.util.LinkedHashMap<>(on290);
    on291.put("acme.sensor-content", "291");
    for (int i = 0; i < devices; i += 3) {
      String device = "dev-" + i;
      send(producer, heartbeat(device, "canary", t(10 + i * 0.01), on291));
      send(
          producer,
          crash(
              device,
              t(12 + i * 0.01),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              "acmesensor.sys",
              on291));
    }
    for (int m = 16; m <= 22; m++) {
      send(producer, heartbeat("dev-1", "canary", t(m), on290));
    }
  }

  /** The ids of the ROLLBACK signals, read once there is at least one. */
  List<String> rollbacks() {
    return read(
            topics.rollbackSignals(),
            RollbackSignal.class,
            list -> list.stream().anyMatch(s -> s.getAction() == SignalAction.ROLLBACK))
        .stream()
        .filter(s -> s.getAction() == SignalAction.ROLLBACK)
        .map(RollbackSignal::getSignalId)
        .toList();
  }

  @Override
  public void close() {
    processor.close();
  }
}
