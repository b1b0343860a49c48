package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import dev.crashwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  private RealPipeline pipeline;
  private Topics topics;

  @BeforeEach
  void start() throws Exception {
    pipeline = new RealPipeline(PARTITIONS, Map.of());
    topics = pipeline.topics;
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void telemetryFlowsThroughBrokerAndRegistryIntoPerVersionFigures() throws Exception {
    try (KafkaProducer<String, Object> producer = pipeline.producer()) {
      for (int i = 0; i < DEVICES; i++) {
        String device = "dev-" + i;
        pipeline.send(producer, boot(device, "canary", t(i * 0.01), ON_290));
      }
      // A third of the fleet takes content 291 and crash-loops on it: each device counts once.
      for (int i = 0; i < DEVICES; i += 3) {
        String device = "dev-" + i;
        pipeline.send(producer, heartbeat(device, "canary", t(10 + i * 0.01), ON_291));
        for (int loop = 0; loop < 3; loop++) {
          pipeline.send(
              producer,
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
      try (KafkaProducer<byte[], byte[]> raw = pipeline.rawProducer()) {
        raw.send(
                new ProducerRecord<>(
                    topics.crashes(),
                    null,
                    t(20).toEpochMilli(),
                    "dev-1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {7, 0, 0, 0, 1, 2}))
            .get();
      }
      pipeline.send(producer, heartbeat("dev-1", "canary", t(21), ON_290));
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

    List<DeadLetter> letters =
        pipeline.read(topics.deadLetters(), DeadLetter.class, l -> !l.isEmpty());
    assertThat(letters)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.getReason()).isEqualTo("BAD_MAGIC_BYTE");
              assertThat(letter.getSourceTopic()).isEqualTo(topics.crashes());
              assertThat(letter.getApplication()).isEqualTo("pipeline-it-" + pipeline.run);
            });
  }

  @Test
  void aFaultyContentVersionIsSignalledAndReportedOnTheVendorsOwnFeed() throws Exception {
    try (KafkaProducer<String, Object> producer = pipeline.producer()) {
      for (int i = 0; i < DEVICES; i++) {
        pipeline.send(producer, boot("dev-" + i, "canary", t(i * 0.01), ON_290));
      }
      pipeline.sendFaultyContent291(producer, DEVICES);
    }

    List<RollbackSignal> signals =
        pipeline.read(
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
        pipeline.read(
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

  private ReadOnlyKeyValueStore<StatsKey, VersionStats> stats() {
    KafkaStreams streams = pipeline.processor.streams();
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            VersionStatsProcessor.STORE, QueryableStoreTypes.keyValueStore()));
  }
}
