package dev.crashwatch.launcher;

import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.PipelineFeedback;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One run of a scenario for the failure suite: topics of its own on the shared local stack, the
 * stream processor as {@code crashwatch process} in JVMs of their own (so that a kill is a real
 * SIGKILL), the simulator in lock-step with them, and a {@link Faults} hook called at every step
 * before the simulator waits for the pipeline. What it returns is what a consumer of the signal
 * topic would read.
 */
final class FailureRun implements AutoCloseable {

  /** Called at each lock-step of simulated time, before the wait for the pipeline. */
  interface Faults {
    void atStep(int step, Instant reached, FailureRun run) throws Exception;
  }

  /** Nothing goes wrong: the reference run. */
  static final Faults NONE = (step, reached, run) -> {};

  private static final Duration CATCH_UP = Duration.ofMinutes(4);

  final LocalStack stack = LocalStack.shared();
  final String id = UUID.randomUUID().toString().substring(0, 8);
  final Topics topics;
  private final Map<String, String> env = new HashMap<>();
  private final Path stateRoot;
  private final List<CrashwatchProcess> instances = new ArrayList<>();
  private int started;

  /** What the run produced. */
  record Outcome(long eventsIn, List<RollbackSignal> signals, Duration wall) {}

  FailureRun(String name, int partitions) throws Exception {
    Settings settings =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", stack.bootstrapServers(), "test")
            .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
            .with("application.id", "failure-" + name + "-" + id, "test");
    env.put("CRASHWATCH_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("CRASHWATCH_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl());
    env.put("CRASHWATCH_APPLICATION_ID", "failure-" + name + "-" + id);
    for (String topic :
        List.of(
            "boots",
            "crashes",
            "heartbeats",
            "dead.letters",
            "rollback.signals",
            "spike.alerts",
            "version.health",
            "catalogue")) {
      String value = topic.replace('.', '-') + "-" + name + "-" + id;
      settings = settings.with("topic." + topic, value, "test");
      env.put("CRASHWATCH_TOPIC_" + topic.toUpperCase().replace('.', '_'), value);
    }
    String feeds = "vendor-health-" + name + "-" + id + ".";
    settings = settings.with("topic.vendor.health.prefix", feeds, "test");
    env.put("CRASHWATCH_TOPIC_VENDOR_HEALTH_PREFIX", feeds);
    // as PipelineSession runs it for lock-step; a killed member is noticed within seconds
    env.put("CRASHWATCH_KAFKA_MAX_TASK_IDLE_MS", "0");
    env.put("CRASHWATCH_KAFKA_COMMIT_INTERVAL_MS", "20");
    env.put("CRASHWATCH_KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("CRASHWATCH_KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
    topics = new ProcessorSettings(settings).topics();
    stateRoot = Files.createTempDirectory(Path.of("target"), "failure-" + name + "-");
    EmbeddedTopics.create(stack, topics, partitions);
  }

  /** Starts processor instance {@code n} (its own state directory, kept across restarts). */
  CrashwatchProcess startInstance(int n) throws Exception {
    Map<String, String> instanceEnv = new HashMap<>(env);
    instanceEnv.put("CRASHWATCH_STATE_DIR", stateRoot.resolve("instance-" + n).toString());
    CrashwatchProcess p =
        CrashwatchProcess.start(
            "failure-" + env.get("CRASHWATCH_APPLICATION_ID") + "-" + n + "-" + started++,
            instanceEnv,
            List.of("process"));
    while (instances.size() <= n) {
      instances.add(null);
    }
    instances.set(n, p);
    return p;
  }

  /** SIGKILLs instance {@code n}. */
  void kill(int n) throws InterruptedException {
    instances.get(n).kill();
  }

  Map<String, Object> kafka() {
    return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
  }

  String applicationId() {
    return env.get("CRASHWATCH_APPLICATION_ID");
  }

  /** Replays {@code scenario} in lock-step (controller off), with {@code faults} at each step. */
  Outcome replay(Scenario scenario, Duration step, Faults faults) throws Exception {
    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    loadCatalogue(scenario, serdes);
    awaitStable();
    long start = System.nanoTime();
    SimulationResult result;
    try (SignalCollector signals = new SignalCollector(kafka(), serdes, topics.rollbackSignals());
        TelemetryEmitter emitter =
            new TelemetryEmitter(stack.bootstrapServers(), serdes, topics, Map.of());
        LockStep lockStep =
            new LockStep(
                kafka(),
                applicationId(),
                topics.inputs(),
                topics.rollbackSignals(),
                signals,
                CATCH_UP)) {
      int[] steps = {0};
      PipelineFeedback withFaults =
          reached -> {
            try {
              faults.atStep(steps[0]++, reached, this);
            } catch (InterruptedException e) {
              throw e;
            } catch (Exception e) {
              throw new IllegalStateException("fault at " + reached + ": " + e, e);
            }
            return lockStep.awaitProcessed(reached);
          };
      result =
          new FleetSimulator(scenario, emitter, topics)
              .inLockStep(withFaults, step, false)
              .run(Duration.ofDays(1), at -> {});
    }
    return new Outcome(
        result.events(), readSignals(serdes), Duration.ofNanos(System.nanoTime() - start));
  }

  /** Waits until the instances have formed their group and created their internal topics. */
  void awaitStable() {
    try (Admin admin = Admin.create(kafka())) {
      await("processor group " + applicationId() + " stable")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                var group =
                    admin
                        .describeConsumerGroups(List.of(applicationId()))
                        .all()
                        .get()
                        .get(applicationId());
                return group.groupState() == GroupState.STABLE
                    && admin.listTopics().names().get().stream()
                        .filter(t -> t.startsWith(applicationId()))
                        .anyMatch(t -> t.endsWith("detector-input-repartition"));
              });
    }
  }

  private void loadCatalogue(Scenario scenario, EventSerdes serdes) {
    List<CatalogueEntry> entries = ScenarioCatalogue.entries(scenario, Instant.now());
    new CatalogueClient(kafka(), serdes, topics.catalogue()).put(entries);
    EmbeddedTopics.createFeeds(
        stack.adminClientConfig(),
        topics,
        entries.stream().map(CatalogueEntry::getVendor).distinct().toList());
  }

  /** Every committed record of the signal topic, in order. */
  private List<RollbackSignal> readSignals(EventSerdes serdes) throws Exception {
    Map<String, Object> config = new HashMap<>(kafka());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<RollbackSignal> out = new ArrayList<>();
    try (Admin admin = Admin.create(kafka());
        KafkaConsumer<String, RollbackSignal> consumer =
            new KafkaConsumer<>(
                config,
                new StringDeserializer(),
                serdes.value(RollbackSignal.class).deserializer())) {
      Map<TopicPartition, Long> ends = ConsumerLag.endOffsets(admin, topics.rollbackSignals());
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("signals not read to their end " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    for (CrashwatchProcess p : instances) {
      if (p != null) {
        p.close();
      }
    }
  }
}
