package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.processor.catalogue.ComponentCatalogue;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SignalMoment;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.scenario.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The real pipeline a scenario runs through: a broker and registry (the embedded local stack, or
 * yours), the stream processor (in this process, or for {@code full-scale} in a JVM of its own),
 * and a collector of the signals it raises. Shared by {@code demo}, {@code simulate}, {@code suite}
 * and {@code full-scale}.
 */
final class PipelineSession implements AutoCloseable {

  private static final Duration CATCH_UP = Duration.ofMinutes(20);

  /**
   * Bytes kept of each partition of the ceiling's topics. Nothing reads them, and all three hours
   * of the July 19 fleet are about 52 GB of records, most of this machine's free disk.
   */
  private static final long CEILING_PARTITION_BYTES = 256L << 20;

  // One application id on the embedded stack: it starts empty every time.
  private static final String EMBEDDED_APPLICATION_ID = "crashwatch-demo";

  private final PrintStream out;
  private final LocalStack stack;
  private final String bootstrapServers;
  private final PipelineAccess access;
  private final Topics topics;
  private final EventSerdes emitterSerdes;
  private final EventSerdes readerSerdes;
  private final ProcessorSettings settings;
  private final StreamProcessor processor; // null when it runs in a JVM of its own

  /**
   * The in-process processor's read-order counter ({@link
   * PipelineMetrics#RECORDS_BEHIND_STREAM_TIME}) and nothing else of its meters: a replay says
   * whether it was read in time order.
   */
  private final SimpleMeterRegistry readOrder = new SimpleMeterRegistry();

  private final List<String> processorJvmOptions; // null when it runs in this one
  private final Map<String, String> processorOverrides;
  private ProcessorJvm processorJvm;
  private final SignalCollector signals;
  private final DataDirLock dataDirLock;
  private final Path runStateDir;
  private final Thread runStateCleanup; // the exit hook that deletes runStateDir, or null
  private final int inputPartitions;
  private final boolean inTimeOrder;

  /**
   * @param target your cluster, or the embedded stack (plaintext or secured)
   * @param dataDir where the embedded stack keeps its files
   * @param partitions partitions of each input topic on the embedded stack
   * @param vendors the vendors whose health feeds the run needs: created (with their principals and
   *     schema subjects) on the secured embedded stack, where the processor may not create topics
   */
  PipelineSession(
      PipelineTarget target,
      Path dataDir,
      int partitions,
      Collection<String> vendors,
      PrintStream out)
      throws InterruptedException {
    this(target, null, dataDir, partitions, vendors, null, Map.of(), Map.of(), true, out);
  }

  /**
   * A session on the embedded plaintext stack in {@code dataDir} whose broker starts with {@code
   * brokerOverrides} (see {@code LocalKafka#compactionFor}) and whose processor takes {@code
   * processorOverrides} over the pipeline's own settings. With {@code processorJvmOptions} the
   * processor runs in a JVM of its own with those options, started once the scenario's catalogue is
   * on the stack (see {@link #replay}), so that its heap and resident set are its own; with null,
   * in this one.
   *
   * @param inTimeOrder whether the processor reads each step in time order: the simulator waits
   *     after each part of a step too large for one request until the processor has read it ({@link
   *     LockStep#awaitRead}), and the processor takes {@link LockStep#TIME_ORDER_SETTINGS}. A run
   *     that measures speed does without both: the simulator then sends the next part while the
   *     processor works on this one, and the processor keeps Kafka's own poll, buffer and wait.
   */
  static PipelineSession onEmbeddedStack(
      Path dataDir,
      int partitions,
      Collection<String> vendors,
      List<String> processorJvmOptions,
      Map<String, String> brokerOverrides,
      Map<String, String> processorOverrides,
      boolean inTimeOrder,
      PrintStream out)
      throws InterruptedException {
    return new PipelineSession(
        PipelineTarget.embedded(false),
        null,
        dataDir,
        partitions,
        vendors,
        processorJvmOptions,
        brokerOverrides,
        processorOverrides,
        inTimeOrder,
        out);
  }

  /**
   * A session on a stack that is already running (the tests' shared one, whose {@code close()} does
   * nothing), plaintext or secured.
   */
  static PipelineSession onStack(
      LocalStack stack, int partitions, Collection<String> vendors, PrintStream out)
      throws InterruptedException {
    return new PipelineSession(
        PipelineTarget.embedded(stack.isSecured()),
        stack,
        null,
        partitions,
        vendors,
        null,
        Map.of(),
        Map.of(),
        true,
        out);
  }

  private PipelineSession(
      PipelineTarget target,
      LocalStack running,
      Path dataDir,
      int partitions,
      Collection<String> vendors,
      List<String> processorJvmOptions,
      Map<String, String> brokerOverrides,
      Map<String, String> processorOverrides,
      boolean inTimeOrder,
      PrintStream out)
      throws InterruptedException {
    this.out = out;
    this.inTimeOrder = inTimeOrder;
    this.inputPartitions = partitions;
    this.processorJvmOptions = processorJvmOptions;
    this.processorOverrides = Map.copyOf(processorOverrides);
    PipelineAccess access;
    DataDirLock lock = null;
    if (running != null) {
      stack = running;
      access = embeddedAccess(stack);
    } else if (target.isEmbedded()) {
      out.printf(
          "starting a local Kafka broker and schema registry%s in %s...%n",
          target.secured() ? " (secured: TLS, SCRAM-SHA-512 principals, ACLs)" : "", dataDir);
      lock = DataDirLock.acquire(dataDir);
      stack =
          target.secured()
              ? LocalStack.startSecured(dataDir, embeddedPlan())
              : LocalStack.start(dataDir, brokerOverrides);
      out.printf(
          "  Kafka %s (%d ms), schema registry %s (%d ms)%n",
          stack.bootstrapServers(),
          stack.kafkaStartMillis(),
          stack.schemaRegistryUrl(),
          stack.registryStartMillis());
      access = embeddedAccess(stack);
    } else {
      stack = null;
      // CRASHWATCH_* variables and the config file apply; the addresses given win.
      access =
          PipelineAccess.single(
              new ProcessorSettings(
                  ClientSettings.withAddresses(
                      ClientSettings.asProcessor(Optional.ofNullable(target.config())).raw(),
                      target.bootstrapServers(),
                      target.registryUrl())));
    }
    Settings raw = access.processor().raw();
    // The simulator runs in lock-step with the processor (see replay and LockStep).
    raw = LockStep.withProcessorSettings(raw, "pipeline", inTimeOrder);
    for (Map.Entry<String, String> e : processorOverrides.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue(), "--set");
    }
    this.dataDirLock = lock;
    if (stack != null) {
      raw =
          raw.with("application.id", EMBEDDED_APPLICATION_ID, "pipeline")
              .with("state.dir", stack.scratchDir("streams").toString(), "pipeline");
      runStateDir = null;
      runStateCleanup = null;
    } else {
      // Your cluster: a run of its own (application id, local state, input offsets), so that it
      // neither reuses an earlier run's local state nor counts the telemetry already on the topics.
      runStateDir = IsolatedRun.stateDir();
      // A run stopped by Ctrl-C or SIGTERM, or one that fails to start, never reaches close(): the
      // hook stops its processor and deletes its state (each run's own, about 140 MB for the
      // reference scenario) at exit instead.
      runStateCleanup = new Thread(this::deleteRunStateAtExit, "crashwatch-run-state-cleanup");
      Runtime.getRuntime().addShutdownHook(runStateCleanup);
      raw =
          raw.with("application.id", IsolatedRun.applicationId(raw), "simulate run")
              .with("state.dir", runStateDir.toString(), "simulate run");
    }
    settings = new ProcessorSettings(raw);
    this.access = new PipelineAccess(access.emitter(), settings, access.reader(), access.monitor());
    this.bootstrapServers = settings.bootstrapServers();
    topics = settings.topics();
    if (stack != null) {
      EmbeddedTopics.create(stack, topics, partitions);
    }
    if (stack != null && stack.isSecured()) {
      // What ops do on a secured cluster before anything runs: the vendors' feeds and principals,
      // and every schema (emitters and the processor may not register them).
      List<String> feeds = new ArrayList<>();
      for (String vendor : vendors) {
        stack.addVendor(vendor);
        feeds.add(topics.vendorHealth(vendor));
      }
      Settings ops = ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.OPS)));
      Map<String, Integer> ids =
          SchemaRegistration.register(ClientSettings.serdes(ops).registry(), topics, feeds);
      out.printf(
          "  secured: %d principals, %d vendor feeds, %d schemas registered by ops; client"
              + " settings in %s%n",
          AccessPlan.FIXED_PRINCIPALS.size() + feeds.size(),
          feeds.size(),
          ids.size(),
          stack.clientConfigFile(AccessPlan.ADMIN).getParent());
    }
    emitterSerdes = ClientSettings.serdes(this.access.emitter());
    readerSerdes = ClientSettings.serdes(this.access.reader());
    if (processorJvmOptions != null) {
      processor = null;
      signals =
          new SignalCollector(
              ClientSettings.kafka(this.access.reader()), readerSerdes, topics.rollbackSignals());
      return;
    }
    readOrder
        .config()
        .meterFilter(MeterFilter.acceptNameStartsWith(PipelineMetrics.RECORDS_BEHIND_STREAM_TIME))
        .meterFilter(MeterFilter.deny());
    processor = new StreamProcessor(settings, readOrder);
    if (stack == null) {
      IsolatedRun.startAtTheEnds(processor.admin(), settings.applicationId(), topics.inputs());
      out.printf(
          "isolated run: application id %s, local state in %s, input read from its current"
              + " end%n",
          settings.applicationId(), runStateDir);
    }
    processor.start();
    Progress.await(
        "stream processor running",
        Duration.ofSeconds(60),
        () -> processor.streams().state() == KafkaStreams.State.RUNNING);
    signals =
        new SignalCollector(
            ClientSettings.kafka(this.access.reader()), readerSerdes, topics.rollbackSignals());
    out.println("stream processor running");
  }

  /** The access plan of the embedded secured stack: the configured topics, its application id. */
  static AccessPlan embeddedPlan() {
    Topics names = ProcessorSettings.load(Optional.empty(), System.getenv()).topics();
    return PipelineAccess.plan(names, EMBEDDED_APPLICATION_ID);
  }

  private static PipelineAccess embeddedAccess(LocalStack stack) {
    return stack.isSecured()
        ? PipelineAccess.principalsOf(stack)
        : PipelineAccess.single(
            new ProcessorSettings(
                ProcessorSettings.load(Optional.empty(), System.getenv())
                    .raw()
                    .with("bootstrap.servers", stack.bootstrapServers(), "pipeline")
                    .with("schema.registry.url", stack.schemaRegistryUrl(), "pipeline")));
  }

  /**
   * Replays the scenario as fast as the pipeline takes it, in lock-step with the processor: at
   * every detector interval of simulated time the simulator waits until the processor has seen
   * everything sent, so that a replay sees the data in the order a live run would and the rollout
   * controller (when played) acts only on what was signalled by then.
   *
   * @param playController play the rollout controller (FORMAT.md {@code controller})
   * @param speed times real time to pace the run at, or 0 for as fast as the pipeline takes it
   */
  SimulationResult replay(Scenario scenario, boolean playController, double speed)
      throws Exception {
    loadCatalogue(scenario);
    SimulationResult result;
    Duration step = settings.detectorInterval();
    out.printf(
        "replaying %s in lock-step with the processor every %s of simulated time, controller %s%n",
        scenario.name(), step, playController ? "on" : "off");
    try (LockStep lockStep =
            new LockStep(
                ClientSettings.kafka(access.monitor()),
                settings.applicationId(),
                topics.inputs(),
                topics.rollbackSignals(),
                signals,
                CATCH_UP);
        TelemetryEmitter emitter =
            WholeSteps.emitter(
                bootstrapServers,
                emitterSerdes,
                topics,
                access.emitter().kafkaClientSecurity(),
                inTimeOrder ? lockStep::awaitRead : () -> {})) {
      long wallStart = System.nanoTime();
      FleetSimulator simulator =
          new FleetSimulator(scenario, emitter, topics).inLockStep(lockStep, step, playController);
      if (speed != 0) {
        simulator.atSpeed(speed); // refuses a negative factor
      }
      result =
          simulator.run(
              Duration.ofMinutes(15),
              at ->
                  out.printf(
                      "  simulated %s  %,d events sent (%,.0f/s)%n",
                      at,
                      emitter.sent(),
                      emitter.sent() / Math.max(1e-3, (System.nanoTime() - wallStart) / 1e9)));
    }
    out.printf(
        "replay done: %,d events (%,d crashes) in %.1f s%n",
        result.events(), result.crashes(), result.wallTime().toMillis() / 1e3);
    recordsBehindStreamTime()
        .ifPresent(
            behind ->
                out.printf(
                    behind == 0
                        ? "  read in time order: no record behind its task's stream time%n"
                        : "  NOT read in time order: %,d records behind their task's stream time"
                            + " (the silence checks may have run before them; signals may differ"
                            + " from run to run)%n",
                    behind));
    for (SignalMoment m : result.moments()) {
      out.printf(
          "  %s %s %s at %s; devices crashed by faulty rollouts by then: %s%n",
          m.byController() ? "controller:" : "signal seen:",
          m.byController()
              ? ("ROLLBACK".equals(m.action()) ? "rolled back" : "halted")
              : m.action(),
          m.target(),
          m.simulatedTime(),
          m.crashedDevicesByRing());
    }
    return result;
  }

  /**
   * Keeps at most {@code bytesPerPartition} of each partition of this session's input topics on the
   * embedded stack ({@link EmbeddedTopics#boundInputs}): for a replay too large for the disk.
   */
  void boundInputs(long bytesPerPartition) {
    if (stack == null) {
      throw new IllegalStateException("only the embedded stack's input topics are bounded here");
    }
    EmbeddedTopics.boundInputs(stack, topics, bytesPerPartition);
  }

  /**
   * The feed's ceiling: {@code scenario} generated, serialized and produced as fast as it goes (not
   * in lock-step, no controller) into input topics of a run of its own on this session's embedded
   * broker, with nothing reading them; the topics are deleted afterwards. The pipeline can go no
   * faster than its own fleet and broker, which share this machine with the processor, so this is
   * what {@code full-scale}'s wall time is measured against.
   */
  SimulationResult feedAlone(Scenario scenario, String run) throws Exception {
    if (stack == null) {
      throw new IllegalStateException("the feed's ceiling runs on the embedded stack only");
    }
    Settings names = Settings.defaults(Topics.SETTINGS);
    for (Map.Entry<Setting, String> topic : Topics.ofRun(run).entrySet()) {
      names = names.with(topic.getKey().key(), topic.getValue(), "ceiling run");
    }
    Topics ceiling = Topics.from(names);
    EmbeddedTopics.createBoundedInputs(stack, ceiling, inputPartitions, CEILING_PARTITION_BYTES);
    out.printf(
        "the fleet alone (the feed's ceiling): %s as fast as it goes into %s, nothing reading%n",
        scenario.name(), ceiling.inputs());
    SimulationResult result;
    try (TelemetryEmitter emitter =
        new TelemetryEmitter(
            bootstrapServers, emitterSerdes, ceiling, access.emitter().kafkaClientSecurity())) {
      long wallStart = System.nanoTime();
      result =
          new FleetSimulator(scenario, emitter, ceiling)
              .run(
                  Duration.ofMinutes(15),
                  at ->
                      out.printf(
                          "  the fleet alone: simulated %s  %,d events sent (%,.0f/s)%n",
                          at,
                          emitter.sent(),
                          emitter.sent() / Math.max(1e-3, (System.nanoTime() - wallStart) / 1e9)));
    }
    try (Admin admin = Admin.create(stack.adminClientConfig())) {
      admin.deleteTopics(ceiling.inputs()).all().get();
    }
    return result;
  }

  /**
   * The scenario's components into the catalogue (component id to vendor and module), as ops would,
   * and their vendors' health feeds; returns once the processor sees both.
   */
  private void loadCatalogue(Scenario scenario) throws Exception {
    List<CatalogueEntry> entries = ScenarioCatalogue.entries(scenario, Instant.now());
    // The operator's part (the admin principal on the secured stack): the catalogue and the feeds.
    Map<String, Object> operator = ClientSettings.kafka(access.monitor());
    new CatalogueClient(operator, ClientSettings.serdes(access.monitor()), topics.catalogue())
        .put(entries);
    EmbeddedTopics.createFeeds(
        operator, topics, entries.stream().map(CatalogueEntry::getVendor).distinct().toList());
    if (processorJvmOptions != null) {
      startProcessorJvm();
      out.printf("catalogue loaded: %d components%n", entries.size());
      return;
    }
    processor.refreshVendorFeeds();
    ReadOnlyKeyValueStore<String, ValueAndTimestamp<CatalogueEntry>> catalogue =
        processor
            .streams()
            .store(
                StoreQueryParameters.fromNameAndType(
                    ComponentCatalogue.STORE, QueryableStoreTypes.timestampedKeyValueStore()));
    Progress.await(
        "the processor's catalogue",
        Duration.ofSeconds(60),
        () -> entries.stream().allMatch(e -> catalogue.get(e.getComponent()) != null));
    out.printf("catalogue loaded: %d components%n", entries.size());
  }

  /**
   * Starts the processor's own JVM on a stack that already holds the catalogue and the feeds: its
   * global catalogue store is restored before it reports ready, and it lists the feeds as it
   * starts.
   */
  private void startProcessorJvm() throws Exception {
    Map<String, String> childSettings = new java.util.LinkedHashMap<>();
    for (String key : List.of("bootstrap.servers", "schema.registry.url", "application.id")) {
      childSettings.put(key, settings.raw().getString(key));
    }
    childSettings.put("state.dir", settings.raw().getString("state.dir"));
    settings
        .raw()
        .kafkaOverrides()
        .forEach((key, value) -> childSettings.put(Settings.KAFKA_PREFIX + key, value.toString()));
    childSettings.putAll(processorOverrides);
    processorJvm =
        ProcessorJvm.start(
            childSettings,
            processorJvmOptions,
            stack.scratchDir("processor-jvm"),
            logDir(),
            Duration.ofMinutes(2));
    out.printf(
        "stream processor running in a JVM of its own (pid %d, %s; log %s)%n",
        processorJvm.pid(), String.join(" ", processorJvmOptions), processorJvm.logFile());
  }

  /** Where this JVM logs (logback.xml's default, or CRASHWATCH_LOG_FILE): the child logs beside. */
  private static Path logDir() {
    String file = System.getenv("CRASHWATCH_LOG_FILE");
    Path log = Path.of(file == null || file.isBlank() ? ".crashwatch/logs/crashwatch.log" : file);
    return log.toAbsolutePath().getParent();
  }

  /**
   * Input records the in-process processor read after a record of a later time in their task, since
   * it started (over every topic); empty when it counted nothing (it runs in a JVM of its own, or
   * has read no record yet: it registers the counter of a topic at its first record).
   */
  OptionalLong recordsBehindStreamTime() {
    Collection<Counter> counters =
        readOrder.find(PipelineMetrics.RECORDS_BEHIND_STREAM_TIME).counters();
    return counters.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(Math.round(counters.stream().mapToDouble(Counter::count).sum()));
  }

  /**
   * The Kafka Streams settings the processor runs with over Kafka's own (its {@code kafka.*}
   * settings without the prefix, secrets left out): what a run that measures speed prints beside
   * its figures.
   */
  Map<String, Object> processorKafkaSettings() {
    Map<String, Object> shown = settings.raw().kafkaOverrides(); // a fresh map, sorted
    shown.keySet().removeIf(Settings::isSecret);
    return shown;
  }

  /** The processor's own JVM, or empty when the processor runs in this one. */
  Optional<ProcessorJvm> processorJvm() {
    return Optional.ofNullable(processorJvm);
  }

  List<ObservedSignal> signals() {
    return signals.signals();
  }

  Map<String, DeadLetterSummary.Reason> deadLetters() {
    return DeadLetterSummary.countByReason(
        ClientSettings.kafka(access.reader()), readerSerdes, topics.deadLetters());
  }

  /**
   * At exit, for a run on your cluster that did not close: its processor stopped (Kafka Streams'
   * close may be called from any thread; it releases the state directory's lock and RocksDB's
   * files), then its state directory deleted.
   */
  private void deleteRunStateAtExit() {
    StreamProcessor running = processor; // null until the constructor has built it
    if (running != null) {
      running.streams().close(StreamProcessor.CLOSE_TIMEOUT);
    }
    try {
      IsolatedRun.delete(runStateDir);
    } catch (IOException | UncheckedIOException e) {
      System.err.printf("could not delete the run's local state %s: %s%n", runStateDir, e);
    }
  }

  KafkaStreams streams() {
    if (processor == null) {
      throw new IllegalStateException("the processor runs in a JVM of its own");
    }
    return processor.streams();
  }

  @Override
  public void close() throws Exception {
    try {
      signals.close();
    } finally {
      try {
        if (processor != null) {
          processor.close();
        }
        if (processorJvm != null) {
          processorJvm.close();
        }
      } finally {
        try {
          if (stack != null) {
            stack.close();
          }
        } finally {
          if (dataDirLock != null) {
            dataDirLock.close();
          }
          if (runStateDir != null) {
            IsolatedRun.delete(runStateDir);
            try {
              Runtime.getRuntime().removeShutdownHook(runStateCleanup);
            } catch (IllegalStateException exiting) {
              // the JVM is exiting: the hook runs, and finds the directory gone
            }
          }
        }
      }
    }
  }
}
