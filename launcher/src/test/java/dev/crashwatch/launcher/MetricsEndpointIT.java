package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Setting;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.observability.MeterRegistries;
import dev.crashwatch.observability.MetricsServer;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.metrics.ProcessorEndpoint;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The metrics and health endpoints of the processor and of the emitter daemon, scraped over HTTP
 * while they work against the real broker and registry of {@link LocalStack#shared()}: the
 * processor's during a faulty scenario replayed through the real pipeline (events in per topic,
 * dead letters by reason, signals by action, watermark lag, evaluation time, records read behind
 * stream time (none, in lock-step), Kafka's own metrics, readiness), the emitter's while an {@code
 * emit} process sends heartbeats.
 */
class MetricsEndpointIT {

  private static final Path SCENARIO = Path.of("..", "scenarios", "faulty-driver-rollout.json");

  @Test
  void processorCountersMoveDuringAScenario() throws Exception {
    LocalStack stack = LocalStack.shared();
    String s = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new java.util.HashMap<>();
    env.put("CRASHWATCH_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("CRASHWATCH_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl());
    env.put("CRASHWATCH_APPLICATION_ID", "metrics-it-" + s);
    env.put("CRASHWATCH_STATE_DIR", stack.scratchDir("metrics-it-" + s).toString());
    env.put("CRASHWATCH_METRICS_PORT", "0");
    for (String key : List.of("BOOTS", "CRASHES", "HEARTBEATS", "ROLLBACK_SIGNALS")) {
      env.put("CRASHWATCH_TOPIC_" + key, key.toLowerCase() + "-" + s);
    }
    env.put("CRASHWATCH_TOPIC_SPIKE_ALERTS", "alerts-" + s);
    env.put("CRASHWATCH_TOPIC_DEAD_LETTERS", "dead-" + s);
    env.put("CRASHWATCH_TOPIC_VENDOR_HEALTH_PREFIX", "vendor-health-" + s + ".");
    // As in PipelineSession: the settings of a lock-step replay read in time order.
    LockStep.processorSettings(true).forEach((key, value) -> env.put(Setting.envName(key), value));
    ProcessorSettings settings = ProcessorSettings.load(Optional.empty(), env);
    Topics topics = settings.topics();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      new TopicReconciler(admin, Duration.ofSeconds(30))
          .apply(
              TopicPlan.defaults(topics).withInputPartitions(2).withInputRetentionMs(-1).specs());
    }

    PrometheusMeterRegistry meters = MeterRegistries.prometheus("crashwatch-processor");
    try (StreamProcessor processor = new StreamProcessor(settings, meters);
        MetricsServer endpoint =
            ProcessorEndpoint.start(settings, processor, meters).orElseThrow()) {
      int port = endpoint.port();
      assertThat(Scrape.get(port, "/health/ready").statusCode())
          .as("not ready before it runs")
          .isEqualTo(503);
      processor.start();
      await("processor ready")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Scrape.get(port, "/health/ready").statusCode() == 200);
      assertThat(processor.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

      // 20,000 devices: a step holds more records than a poll of Kafka's default 1,000 takes, so
      // the read-order check below fails without the lock-step poll setting (9,950 records behind)
      Scenario scenario = ScenarioLoader.load(SCENARIO).withDevices(20_000);
      EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
      List<Double> eventsInDuringRun = new ArrayList<>();
      SimulationResult result;
      try (SignalCollector signals =
              new SignalCollector(
                  Map.of("bootstrap.servers", stack.bootstrapServers()),
                  serdes,
                  topics.rollbackSignals());
          LockStep lockStep =
              new LockStep(
                  Map.of("bootstrap.servers", stack.bootstrapServers()),
                  settings.applicationId(),
                  topics.inputs(),
                  topics.rollbackSignals(),
                  signals,
                  Duration.ofMinutes(5));
          TelemetryEmitter emitter =
              WholeSteps.emitter(
                  stack.bootstrapServers(), serdes, topics, Map.of(), lockStep::awaitRead)) {
        result =
            new FleetSimulator(scenario, emitter, topics)
                .inLockStep(lockStep, settings.detectorInterval(), true)
                .run(
                    Duration.ofMinutes(20),
                    at -> {
                      try {
                        eventsInDuringRun.add(Scrape.sum(port, "crashwatch_events_in_total"));
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                    });
        long halts = signals.signals().stream().filter(sig -> "HALT".equals(sig.action())).count();
        assertThat(halts)
            .as(
                "HALT signals among %s; pipeline figures:%n%s",
                signals.signals(),
                Scrape.get(port, "/metrics")
                    .body()
                    .lines()
                    .filter(l -> l.startsWith("crashwatch_"))
                    .collect(java.util.stream.Collectors.joining("\n")))
            .isPositive();
        assertThat(Scrape.sum(port, "crashwatch_signals_total", "action=\"HALT\""))
            .isEqualTo(halts);
        // Every step sent whole and polled whole: each task read the replay in time order.
        assertThat(Scrape.get(port, "/metrics").body())
            .contains("crashwatch_records_behind_stream_time_total{");
        assertThat(Scrape.sum(port, "crashwatch_records_behind_stream_time_total"))
            .as("records read behind their task's stream time in a lock-step replay")
            .isZero();
      }

      double beforeBadRecord =
          Scrape.sum(
              port,
              "crashwatch_dead_letters_total",
              "reason=\"BAD_MAGIC_BYTE\"",
              "topic=\"" + topics.heartbeats() + "\"");
      // One record that is not Avro at all: a dead letter with its reason. Stamped with the
      // scenario's time: a record stamped now would move stream time two years ahead of the
      // replay, and the detector evaluates only at the time every input has reached.
      try (KafkaProducer<byte[], byte[]> raw =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        raw.send(
                new ProducerRecord<>(
                    topics.heartbeats(),
                    null,
                    scenario.start().toEpochMilli(),
                    "device-x".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8)))
            .get();
      }
      await("bad record counted")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Scrape.sum(
                          port,
                          "crashwatch_dead_letters_total",
                          "reason=\"BAD_MAGIC_BYTE\"",
                          "topic=\"" + topics.heartbeats() + "\"")
                      == beforeBadRecord + 1);

      assertThat(eventsInDuringRun).as("scraped during the run").hasSizeGreaterThan(2);
      assertThat(eventsInDuringRun).isSorted();
      assertThat(eventsInDuringRun.get(eventsInDuringRun.size() - 1))
          .isGreaterThan(eventsInDuringRun.get(0));
      // Every record sent (plus the bad one) was read once from its topic.
      await("every record counted")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Scrape.sum(port, "crashwatch_events_in_total") == result.events() + 1);
      for (String topic : topics.inputs()) {
        assertThat(Scrape.sum(port, "crashwatch_events_in_total", "topic=\"" + topic + "\""))
            .as(topic)
            .isPositive();
      }
      // The scenario's own malformed telemetry, by reason.
      assertThat(Scrape.sum(port, "crashwatch_dead_letters_total", "reason=\"TRUNCATED\""))
          .isPositive();
      assertThat(Scrape.sum(port, "crashwatch_detector_evaluation_seconds_count")).isPositive();
      // The replay is of 2024: the detector's event time is more than a year behind the clock.
      assertThat(Scrape.sum(port, "crashwatch_watermark_lag_seconds"))
          .isGreaterThan(Duration.ofDays(365).toSeconds());
      String body = Scrape.get(port, "/metrics").body();
      assertThat(body)
          .as("Kafka Streams and client metrics through Micrometer's binder")
          .contains("kafka_stream_thread_process_total")
          .contains("kafka_consumer_fetch_manager_records_consumed_total")
          .contains("jvm_memory_used_bytes");
      await("ready once caught up")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Scrape.get(port, "/health/ready").statusCode() == 200);
      assertThat(Scrape.get(port, "/health/live").body()).startsWith("UP: streams RUNNING");
    }
  }

  @Test
  void emitterDaemonServesItsCountersAndHealth() throws Exception {
    // A stack of its own: the daemon writes heartbeats stamped now to the default topics, which
    // ComposeServicesIT replays 2024 telemetry through on the shared stack.
    Path dir = Path.of("target", "emit-metrics-it-" + UUID.randomUUID()).toAbsolutePath();
    try (LocalStack stack = LocalStack.start(dir)) {
      EmbeddedTopics.create(stack, Topics.defaults(), 1);
      runEmitter(stack, dir.resolve("spool"));
    }
  }

  private static void runEmitter(LocalStack stack, Path spool) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (CrashwatchProcess emit =
        CrashwatchProcess.start(
            "emit-metrics-it",
            Map.of(),
            List.of(
                "emit",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--spool-dir",
                spool.toString(),
                "--device-id",
                "metrics-it-device",
                "--heartbeat-every",
                "PT0.2S",
                "--metrics-port",
                String.valueOf(port)))) {
      await("emitter endpoint up")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .failFast("emit exited", () -> !emit.isAlive())
          .until(() -> Scrape.get(port, "/health/live").statusCode() == 200);
      await("events delivered")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> Scrape.sum(port, "crashwatch_emitter_events_delivered_total") >= 5);
      double accepted = Scrape.sum(port, "crashwatch_emitter_events_accepted_total");
      await("counters move")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Scrape.sum(port, "crashwatch_emitter_events_accepted_total") > accepted);
      assertThat(Scrape.get(port, "/health/ready").statusCode()).isEqualTo(200);
      String body = Scrape.get(port, "/metrics").body();
      assertThat(body)
          .contains("crashwatch_emitter_spool_pending")
          .contains("crashwatch_emitter_events_quarantined_total")
          .contains("kafka_producer_record_send_total");
      assertThat(Scrape.sum(port, "crashwatch_emitter_events_quarantined_total")).isZero();
    }
  }
}
