package dev.crashwatch.processor;

import dev.crashwatch.config.Settings;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.signal.VendorFeeds;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology in a TopologyTestDriver, with typed input topics. Serdes talk to the real
 * schema registry of {@link LocalStack#shared()}: the wire format under test is the real one.
 */
final class TopologyFixture implements AutoCloseable {

  /** The wall clock the decoder compares event times with: a little after the test events. */
  static final Clock WALL_CLOCK =
      Clock.fixed(Instant.parse("2024-07-19T12:00:00Z"), ZoneOffset.UTC);

  final ProcessorSettings settings;
  final String applicationId = "ttd-" + UUID.randomUUID();
  final Topics topics;
  final EventSerdes serdes;
  final Topology topology;
  final TopologyTestDriver driver;
  final TestInputTopic<String, Boot> boots;
  final TestInputTopic<String, Crash> crashes;
  final TestInputTopic<String, SensorHeartbeat> heartbeats;
  final TestOutputTopic<byte[], DeadLetter> deadLetters;
  final TestOutputTopic<String, RollbackSignal> signals;
  final TestOutputTopic<String, SpikeAlert> alerts;
  final TestOutputTopic<String, VendorHealth> acmeHealth;
  final TestOutputTopic<String, VersionHealth> versionHealth;
  final TestInputTopic<String, CatalogueEntry> catalogue;

  /** The pipeline's own meters, as {@code StreamProcessor} hands them to the topology. */
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  TopologyFixture(Map<String, String> overrides) throws Exception {
    this(overrides, VendorFeeds.EVERY);
  }

  /** With the vendor health feeds that {@code feeds} says exist. */
  TopologyFixture(Map<String, String> overrides, VendorFeeds feeds) throws Exception {
    Settings raw =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("schema.registry.url", LocalStack.shared().schemaRegistryUrl(), "test")
            .with("bootstrap.servers", "unused:9092", "test");
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue(), "test");
    }
    settings = new ProcessorSettings(raw);
    topics = settings.topics();
    serdes = EventSerdes.connect(settings.schemaRegistryUrl());
    topology = CrashwatchTopology.build(settings, serdes, WALL_CLOCK, feeds);

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    Path stateDir = Files.createDirectories(Path.of("target", "ttd-state"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(PipelineMetrics.CONFIG_KEY, new PipelineMetrics(meters));
    driver = new TopologyTestDriver(topology, props, TestEvents.START);

    StringSerializer keys = new StringSerializer();
    boots = driver.createInputTopic(topics.boots(), keys, serdes.value(Boot.class).serializer());
    crashes =
        driver.createInputTopic(topics.crashes(), keys, serdes.value(Crash.class).serializer());
    heartbeats =
        driver.createInputTopic(
            topics.heartbeats(), keys, serdes.value(SensorHeartbeat.class).serializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters(),
            new ByteArrayDeserializer(),
            serdes.value(DeadLetter.class).deserializer());
    StringDeserializer keyReader = new StringDeserializer();
    signals =
        driver.createOutputTopic(
            topics.rollbackSignals(), keyReader, serdes.value(RollbackSignal.class).deserializer());
    alerts =
        driver.createOutputTopic(
            topics.spikeAlerts(), keyReader, serdes.value(SpikeAlert.class).deserializer());
    acmeHealth =
        driver.createOutputTopic(
            topics.vendorHealth("acme"),
            keyReader,
            serdes.value(VendorHealth.class).deserializer());
    versionHealth =
        driver.createOutputTopic(
            topics.versionHealth(), keyReader, serdes.value(VersionHealth.class).deserializer());
    catalogue =
        driver.createInputTopic(
            topics.catalogue(), keys, serdes.value(CatalogueEntry.class).serializer());
    // the test fleet's components, as ops would catalogue them
    catalogue("acme.sensor", "acme", "acmesensor.sys");
    catalogue("acme.sensor-content", "acme", "acmesensor.sys");
    catalogue("windows", "microsoft");
  }

  /** Adds (or replaces) a catalogue entry. */
  void catalogue(String component, String vendor, String... modules) {
    catalogue.pipeInput(
        component,
        CatalogueEntry.newBuilder()
            .setComponent(component)
            .setVendor(vendor)
            .setModules(List.of(modules))
            .setUpdatedAt(TestEvents.START)
            .build(),
        TestEvents.START);
  }

  TopologyFixture() throws Exception {
    this(Map.of());
  }

  /** An input topic that takes raw bytes, for records that are garbage on the wire. */
  TestInputTopic<byte[], byte[]> raw(String topic) {
    return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
  }

  void pipe(Boot boot) {
    boots.pipeInput(boot.getDeviceId(), boot, boot.getBootTime());
  }

  void pipe(SensorHeartbeat beat) {
    heartbeats.pipeInput(beat.getDeviceId(), beat, beat.getTime());
  }

  /** A crash report arriving when it says it was uploaded, as emitters send it. */
  void pipe(Crash crash) {
    crashes.pipeInput(crash.getDeviceId(), crash, crash.getUploadTime());
  }

  /** A crash report uploaded at {@code uploadedAt}, its record's time, as emitters send it. */
  void pipe(Crash crash, java.time.Instant uploadedAt) {
    crashes.pipeInput(crash.getDeviceId(), crash, uploadedAt);
  }

  @Override
  public void close() {
    driver.close();
  }
}
