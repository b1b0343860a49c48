package dev.crashwatch.launcher;

import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.processor.state.EvaluationSchedule;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.PipelineFeedback;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.LongDeserializer;

/**
 * One run of a scenario for the failure suite: topics of its own on a local stack, the stream
 * processor as {@code crashwatch process} in JVMs of their own (so that a kill is a real SIGKILL),
 * the simulator in lock-step with them, and a {@link Faults} hook called at every step before the
 * simulator waits for the pipeline. What it returns is what a consumer of the signal topic would
 * read.
 */
final class FailureRun implements AutoCloseable {

  /** Called at each lock-step of simulated time, before the wait for the pipeline. */
  interface Faults {
    void atStep(int step, Instant reached, FailureRun run) throws Exception;
  }

  /** Nothing goes wrong: the reference run. */
  static final Faults NONE = (step, reached, run) -> {};

  private static final Duration CATCH_UP = Duration.ofMinutes(4);

  final LocalStack stack;
  private final String registryUrl;
  final String id = UUID.randomUUID().toString().substring(0, 8);
  final Topics topics;
  private final Map<String, String> env = new HashMap<>();
  private final Path stateRoot;
  private final List<CrashwatchProcess> instances = new ArrayList<>();
  private final List<Integer> healthPorts = new ArrayList<>();
  private int started;

  /** What the run produced: events sent, signals and dead letters written (committed). */
  record Outcome(long eventsIn, List<RollbackSignal> signals, long deadLetters, Duration wall) {}

  /**
   * A run on {@code stack}, whose processors, emitter and serdes reach the schema registry at
   * {@code registryUrl} (the stack's own, or a proxy in front of it that a test can fail).
   */
  FailureRun(String name, int partitions, LocalStack stack, String registryUrl) throws Exception {
    this.stack = stack;
    this.registryUrl = registryUrl;
    Settings settings =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", stack.bootstrapServers(), "test")
            .with("schema.registry.url", registryUrl, "test")
            .with("application.id", "failure-" + name + "-" + id, "test");
    env.put("CRASHWATCH_BOOTSTRAP_SERVERS", stack.bootstrapServers());
    env.put("CRASHWATCH_SCHEMA_REGISTRY_URL", registryUrl);
    env.put("CRASHWATCH_APPLICATION_ID", "failure-" + name + "-" + id);
    for (Map.Entry<Setting, String> topic : Topics.ofRun(name + "-" + id).entrySet()) {
      settings = settings.with(topic.getKey().key(), topic.getValue(), "test");
      env.put(topic.getKey().envName(), topic.getValue());
    }
    // as PipelineSession runs it for lock-step; a killed member is noticed within seconds
    LockStep.processorSettings(true).forEach((key, value) -> env.put(Setting.envName(key), value));
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
    String name = "failure-" + env.get("CRASHWATCH_APPLICATION_ID") + "-" + n + "-" + started++;
    // its health endpoint, on a port of its own
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    instanceEnv.put("CRASHWATCH_METRICS_PORT", Integer.toString(port));
    CrashwatchProcess p = CrashwatchProcess.start(name, instanceEnv, List.of("process"));
    while (instances.size() <= n) {
      instances.add(null);
      healthPorts.add(0);
    }
    instances.set(n, p);
    healthPorts.set(n, port);
    return p;
  }

  /** Whether instance {@code n} (the one started last under that number) still runs. */
  boolean isAlive(int n) {
    return instances.get(n).isAlive();
  }

  /** What instance {@code n} has printed so far (its warnings and errors). */
  String log(int n) throws IOException {
    return instances.get(n).output();
  }

  /** The readiness of instance {@code n}: its {@code /health/ready} answer, status and detail. */
  String readiness(int n) throws Exception {
    var answer = Scrape.get(healthPorts.get(n), "/health/ready");
    return answer.statusCode() + " " + answer.body();
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
    return replay(scenario, step, faults, UnaryOperator.identity());
  }

  /**
   * Replays {@code scenario} in lock-step (controller off), with {@code faults} at each step, the
   * simulator sending through the sink {@code around} puts in front of the emitter.
   */
  Outcome replay(Scenario scenario, Duration step, Faults faults, UnaryOperator<WireSink> around)
      throws Exception {
    EventSerdes serdes = EventSerdes.connect(registryUrl);
    loadCatalogue(scenario, serdes);
    awaitStable();
    long start = System.nanoTime();
    SimulationResult result;
    try (SignalCollector signals = new SignalCollector(kafka(), serdes, topics.rollbackSignals());
        LockStep lockStep =
            new LockStep(
                kafka(),
                applicationId(),
                topics.inputs(),
                topics.rollbackSignals(),
                signals,
                CATCH_UP);
        TelemetryEmitter emitter =
            WholeSteps.emitter(
                stack.bootstrapServers(), serdes, topics, Map.of(), lockStep::awaitRead)) {
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
          new FleetSimulator(scenario, around.apply(emitter), topics)
              .inLockStep(withFaults, step, false)
              .run(Duration.ofDays(1), at -> {});
    }
    return new Outcome(
        result.events(),
        signals(serdes),
        readCommitted(topics.deadLetters(), new ByteArrayDeserializer()).size(),
        Duration.ofNanos(System.nanoTime() - start));
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

  /**
   * The input partitions each member of the processor group owns now (active tasks only), by the
   * member's client id without its thread suffix: one entry per instance. Empty until the group is
   * stable.
   */
  Map<String, Set<Integer>> inputPartitionsByInstance() throws Exception {
    Set<String> inputs = Set.copyOf(topics.inputs());
    Map<String, Set<Integer>> out = new TreeMap<>();
    try (Admin admin = Admin.create(kafka())) {
      var group =
          admin.describeConsumerGroups(List.of(applicationId())).all().get().get(applicationId());
      if (group.groupState() != GroupState.STABLE) {
        return out;
      }
      for (var member : group.members()) {
        Set<Integer> owned =
            out.computeIfAbsent(instanceOf(member.clientId()), c -> new TreeSet<>());
        member.assignment().topicPartitions().stream()
            .filter(tp -> inputs.contains(tp.topic()))
            .forEach(tp -> owned.add(tp.partition()));
      }
    }
    return out;
  }

  /** A Streams consumer's client id is its instance's, then {@code -StreamThread-<n>-consumer}. */
  private static String instanceOf(String consumerClientId) {
    return consumerClientId.replaceFirst("-StreamThread-\\d+-consumer$", "");
  }

  /**
   * The last interval boundary the detector has evaluated, as committed to the changelog of its
   * {@code detector-schedule} store; -1 before the first evaluation.
   */
  long evaluatedUntil() throws Exception {
    List<Long> marks =
        readCommitted(
            applicationId() + "-" + EvaluationSchedule.STORE + "-changelog",
            new LongDeserializer());
    return marks.isEmpty() ? -1 : marks.get(marks.size() - 1);
  }

  /**
   * Every rollback signal committed so far, in order. A replay's outcome reads them when the input
   * is processed; a detector that evaluates later than that (its watermark waiting for quiet tasks
   * to say they are idle) commits more, which a second read after its last evaluation sees.
   */
  List<RollbackSignal> signals() throws Exception {
    return signals(EventSerdes.connect(registryUrl));
  }

  private List<RollbackSignal> signals(EventSerdes serdes) throws Exception {
    return readCommitted(
        topics.rollbackSignals(), serdes.value(RollbackSignal.class).deserializer());
  }

  private void loadCatalogue(Scenario scenario, EventSerdes serdes) {
    List<CatalogueEntry> entries = ScenarioCatalogue.entries(scenario, Instant.now());
    new CatalogueClient(kafka(), serdes, topics.catalogue()).put(entries);
    EmbeddedTopics.createFeeds(
        stack.adminClientConfig(),
        topics,
        entries.stream().map(CatalogueEntry::getVendor).distinct().toList());
  }

  /** Every committed record of {@code topic}, in order. */
  private <T> List<T> readCommitted(String topic, Deserializer<T> values) throws Exception {
    Map<String, Object> config = new HashMap<>(kafka());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<T> out = new ArrayList<>();
    try (Admin admin = Admin.create(kafka());
        KafkaConsumer<byte[], T> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), values)) {
      Map<TopicPartition, Long> ends = ConsumerLag.endOffsets(admin, topic);
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + " not read to its end " + ends);
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
