package dev.crashwatch.launcher;

import com.sun.management.OperatingSystemMXBean;
import dev.crashwatch.localstack.LocalKafka;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.ComponentVersion;
import dev.crashwatch.simulator.scenario.MustSignal;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The full-scale benchmark: the July 19 fleet (8.5 million devices by default, or {@code --devices
 * N} of it) through the embedded pipeline for the scenario's whole simulated time, in lock-step,
 * with the figures issue 11 asks for printed against their targets. Not in CI at that size: it is
 * meant to run for tens of minutes to hours ({@code FullScaleCommandIT} runs it on 3,000 devices).
 */
@Command(
    name = "full-scale",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark: scenarios/july19-full-scale.json (or --scenario) through the embedded broker,"
          + " registry and processor, as fast as the pipeline takes it; prints the machine, wall"
          + " time and its ratio to simulated time, events/s, peak heap and RSS, state store size"
          + " on disk, time to ROLLBACK and any other signal, each against its target.",
      "Exit codes: 0 every expectation of the scenario holds, 1 one does not."
    })
final class FullScaleCommand implements Callable<Integer> {

  /** Issue 11's targets. */
  static final double SPEED_TARGET = 10;

  static final Duration ROLLBACK_TARGET = Duration.ofMinutes(10);

  static final long PROCESSOR_HEAP_TARGET = 1L << 30;

  private static final String COMMIT_INTERVAL = "kafka.commit.interval.ms";

  /**
   * Bytes kept of each partition of the pipeline's input topics. All three hours of the July 19
   * fleet are about 52 GB of input records (about 130 bytes an event on the broker's disk), which
   * kept whole beside the changelogs and state stores would fill this machine's free disk. In
   * lock-step the processor has read and committed each step (a few MB a partition) before the next
   * is sent.
   */
  static final long INPUT_PARTITION_BYTES = 1L << 30;

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      defaultValue = "scenarios/july19-full-scale.json",
      description = "Scenario file (default: ${DEFAULT-VALUE}).")
  Path scenarioFile;

  @Option(
      names = "--devices",
      paramLabel = "N",
      description = "Run this many devices of the fleet instead of all (a fraction of the run).")
  Integer devices;

  @Option(
      names = "--duration",
      paramLabel = "ISO-8601",
      description =
          "Replay only the scenario's first this much of simulated time (e.g. PT1H15M, through"
              + " detection and into the storm), to run the whole fleet in less than the hours"
              + " its three simulated hours take here; the figures are then of that part.")
  Duration duration;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/full-scale",
      description =
          "Files of the embedded broker, registry and state stores (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "6",
      // The topic plan's (as a deployment has them): two stream threads hold three tasks each. With
      // 3, one thread held two of the device-state tasks and was the bottleneck at 8.5 million
      // devices (1,324.7 against 1,011.2 s for the first simulated hour; docs/benchmarks.md).
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}, the topic plan's).")
  int partitions;

  @Option(
      names = "--processor-heap",
      paramLabel = "SIZE",
      defaultValue = "1g",
      description =
          "Maximum heap (-Xmx) of the processor's own JVM (default: ${DEFAULT-VALUE}, the"
              + " target).")
  String processorHeap;

  @Option(
      names = "--processor-jvm-option",
      paramLabel = "OPTION",
      description =
          "An option of the processor's own JVM after -Xmx (e.g. -XX:+UseParallelGC, to measure"
              + " a collector); repeatable.")
  List<String> processorJvmOptions = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A processor setting for this run over the pipeline's own (e.g."
              + " kafka.commit.interval.ms=20, the other lock-step runs' commit interval, instead"
              + " of this one's 100); repeatable.")
  Map<String, String> processorOverrides = new LinkedHashMap<>();

  @Option(
      names = "--one-jvm",
      description =
          "Run the processor in the launcher's JVM beside the simulator and the broker (its heap"
              + " is then not measured apart).")
  boolean oneJvm;

  @Option(
      names = "--ceiling",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "First play the same fleet alone, as fast as it goes, into topics of its own on the same"
              + " broker with nothing reading them: the ceiling the pipeline's wall time is"
              + " measured against (default: on; --no-ceiling skips it).")
  boolean ceiling;

  @Option(
      names = "--ceiling-only",
      description =
          "Play only the fleet alone (no processor) and print its figures: the feed's ceiling for"
              + " a duration too long to replay through the pipeline here, all three hours of the"
              + " July 19 fleet among them.")
  boolean ceilingOnly;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the scenario's JSON report here.")
  Path reportFile;

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Scenario loaded = ScenarioLoader.load(scenarioFile);
    Scenario sized = devices == null ? loaded : loaded.withDevices(devices);
    Scenario scenario;
    try {
      scenario = duration == null ? sized : sized.withDuration(duration);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--duration: " + e.getMessage());
    }
    if (ceilingOnly && (!ceiling || oneJvm)) {
      throw new ParameterException(
          spec.commandLine(),
          "--ceiling-only: runs no processor, so it takes neither --no-ceiling nor --one-jvm");
    }
    Instant started = Instant.now();
    printMachine(scenario, loaded, started);
    if (ceilingOnly) {
      return ceilingOnly(scenario, loaded.duration());
    }
    ScenarioReport report;
    Optional<ProcessorJvm> processorJvm;
    Optional<SimulationResult> feed = Optional.empty();
    ResourceSampler sampler;
    try (PipelineSession pipeline = session(scenario)) {
      if (ceiling) {
        feed = Optional.of(pipeline.feedAlone(scenario, "ceiling"));
      }
      // sampled from here: the figures are the pipeline's, not the fleet alone's
      sampler = ResourceSampler.start(dataDir.resolve("streams"));
      try {
        report = ScenarioRun.replayAndJudge(scenario, pipeline, scenario.controller(), 0);
        processorJvm = pipeline.processorJvm();
      } finally {
        sampler.close();
      }
    }
    ScenarioRun.printOutcome(report, reportFile, out);
    printFigures(scenario, loaded.duration(), report, feed, sampler, processorJvm);
    return report.passed() ? 0 : 1;
  }

  /**
   * The fleet alone through the whole scenario: whether the speed target is within this machine's
   * reach at all with this simulator and broker, when the pipeline's run would take hours.
   */
  private int ceilingOnly(Scenario scenario, Duration fileDuration) throws Exception {
    SimulationResult feed;
    ResourceSampler sampler = ResourceSampler.start(dataDir.resolve("streams"));
    try (PipelineSession pipeline = session(scenario)) {
      feed = pipeline.feedAlone(scenario, "ceiling");
    } finally {
      sampler.close();
    }
    double simulated = scenario.duration().toMillis() / 1000.0;
    double seconds = feed.wallTime().toMillis() / 1000.0;
    double ratio = simulated / seconds;
    out.println("figures (the fleet alone; no processor ran):");
    out.printf(
        "  wall time %.1f s for %.0f s of simulated time: %.2f times real time; %,d events,"
            + " %,.0f events/s%n",
        seconds, simulated, ratio, feed.events(), feed.events() / seconds);
    printReach(ratio, scenario.duration(), fileDuration);
    printLauncher(sampler);
    return 0;
  }

  private void printLauncher(ResourceSampler sampler) {
    out.printf(
        "  the launcher's JVM (simulator and broker): peak heap used %.2f GiB, peak RSS %.2f GiB;"
            + " allocated by thread: %s%n",
        sampler.peakHeapBytes() / (double) (1L << 30),
        sampler.peakRssBytes() / (double) (1L << 30),
        sampler.allocationByPart());
  }

  /** Whether the fleet alone reached the speed target, and over which part of the scenario. */
  private void printReach(double feedRatio, Duration played, Duration fileDuration) {
    out.printf(
        "  the speed target (%.0f times real time) is %s the fleet alone's reach on this machine%s%n",
        SPEED_TARGET,
        feedRatio >= SPEED_TARGET ? "within" : "beyond",
        played.compareTo(fileDuration) < 0
            ? " for the first " + played + " of the scenario's " + fileDuration
            : "");
  }

  private PipelineSession session(Scenario scenario) throws Exception {
    List<String> vendors = ScenarioRun.vendorsOf(scenario);
    // The device-state changelog has one key per device, spread over the input partitions.
    long keysPerPartition = ((long) scenario.fleet().devices() + partitions - 1) / partitions;
    Map<String, String> broker = LocalKafka.compactionFor(keysPerPartition);
    out.printf(
        "broker: log cleaner dedupe buffer %,d bytes (the %,d device keys of one changelog"
            + " partition in one pass)%n",
        Long.parseLong(broker.get(LocalKafka.DEDUPE_BUFFER)), keysPerPartition);
    // The processor's own JVM exits on running out of heap rather than limping on, and its
    // collector is the launcher's default (G1), as a user's `crashwatch process` would run.
    List<String> processorJvm = null;
    if (!oneJvm) {
      processorJvm = new ArrayList<>(List.of("-Xmx" + processorHeap));
      processorJvm.add("-XX:+ExitOnOutOfMemoryError");
      processorJvm.addAll(processorJvmOptions);
    }
    // Each lock-step hop waits for a commit, so the demo commits every 20 ms; a step of a large
    // fleet takes seconds, and every exactly-once commit costs the processor and the broker a
    // transaction (a marker on each partition written). Kafka Streams' own exactly-once interval:
    // at 200,000 devices 1.08 times the events a second of 20 ms, the same signals.
    Map<String, String> processor = new LinkedHashMap<>();
    processor.put(COMMIT_INTERVAL, "100");
    processor.putAll(processorOverrides);
    // Not in time order: the simulator sends a step's next part while the processor reads this one.
    // So the processor keeps Kafka Streams' own poll size, buffer and fetch wait, not the unbounded
    // ones that keep a step's read in time order (LockStep.TIME_ORDER_SETTINGS): a step of this
    // fleet is larger than one request anyway (WholeSteps), and an unbounded buffer would hold on
    // the heap (capped at 1 GiB by the target) whatever the simulator has sent ahead.
    PipelineSession session =
        PipelineSession.onEmbeddedStack(
            dataDir, partitions, vendors, processorJvm, broker, processor, false, out);
    try {
      session.boundInputs(INPUT_PARTITION_BYTES);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    out.printf(
        "inputs: at most %,d MiB kept a partition, the oldest deleted first%n",
        INPUT_PARTITION_BYTES >> 20);
    if (!ceilingOnly) {
      out.printf("processor: Kafka Streams over its own: %s%n", session.processorKafkaSettings());
    }
    return session;
  }

  private void printMachine(Scenario scenario, Scenario file, Instant started) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    out.printf(
        "full-scale: %s, %,d of %,d devices, %s of %s of simulated time (to %s); started %s%n",
        scenario.name(),
        scenario.fleet().devices(),
        file.fleet().devices(),
        scenario.duration(),
        file.duration(),
        scenario.end(),
        started);
    out.printf(
        "machine: %s %s, %d cores, %.1f GiB memory; Java %s, max heap %.1f GiB%n",
        os.getName(),
        os.getArch(),
        os.getAvailableProcessors(),
        os.getTotalMemorySize() / (double) (1L << 30),
        Runtime.version(),
        Runtime.getRuntime().maxMemory() / (double) (1L << 30));
    if (ceilingOnly) {
      out.println(
          "JVMs: the simulator and the Kafka broker in this one, the registry in another; no"
              + " processor (--ceiling-only)");
      return;
    }
    out.println(
        oneJvm
            ? "one JVM: the simulator, the Kafka broker and the stream processor share this"
                + " process (the registry is a child process of its own)"
            : "JVMs: the simulator and the Kafka broker in this one; the stream processor in its"
                + " own, with -Xmx"
                + processorHeap
                + (processorJvmOptions.isEmpty() ? "" : " " + String.join(" ", processorJvmOptions))
                + "; the registry in a third");
  }

  private void printFigures(
      Scenario scenario,
      Duration fileDuration,
      ScenarioReport report,
      Optional<SimulationResult> feed,
      ResourceSampler sampler,
      Optional<ProcessorJvm> processorJvm) {
    double simulated = scenario.duration().toMillis() / 1000.0;
    double ratio = simulated / report.wallSeconds();
    out.println("figures:");
    out.printf(
        "  wall time %.1f s for %.0f s of simulated time: %.2f times real time (target >= %.0f: %s)%n",
        report.wallSeconds(),
        simulated,
        ratio,
        SPEED_TARGET,
        ratio >= SPEED_TARGET ? "met" : "NOT met");
    feed.ifPresent(f -> printCeiling(f, report, scenario.duration(), fileDuration));
    if (scenario.duration().compareTo(fileDuration) < 0) {
      // the storm grows to the end, so the part replayed is lighter than the whole
      out.printf(
          "  (the first %s of the scenario's %s: its later part has more events a minute)%n",
          scenario.duration(), fileDuration);
    }
    out.printf(
        "  %,d events, %,.0f events/s%n", report.events(), report.events() / report.wallSeconds());
    if (processorJvm.isPresent()) {
      ProcessorJvm p = processorJvm.get();
      out.printf(
          "  the processor's JVM: peak heap used %.2f GiB (target <= %.0f GiB: %s), peak RSS %.2f"
              + " GiB, %.1f GiB allocated%n",
          p.peakHeapBytes() / (double) (1L << 30),
          PROCESSOR_HEAP_TARGET / (double) (1L << 30),
          p.peakHeapBytes() <= PROCESSOR_HEAP_TARGET ? "met" : "NOT met",
          p.peakRssBytes() / (double) (1L << 30),
          p.allocatedBytes() / (1L << 30));
      printLauncher(sampler);
    } else {
      out.printf(
          "  peak heap used %.2f GiB, peak RSS %.2f GiB (the whole JVM: simulator, broker and"
              + " processor)%n",
          sampler.peakHeapBytes() / (double) (1L << 30),
          sampler.peakRssBytes() / (double) (1L << 30));
      out.printf(
          "  memory allocated, by thread: %s (a split of the allocation rate, not of live heap)%n",
          sampler.allocationByPart());
    }
    out.printf(
        "  state stores on disk: peak %.1f MiB (%s)%n",
        sampler.peakStateBytes() / (double) (1L << 20), dataDir.resolve("streams"));
    for (MustSignal must : scenario.expect().must()) {
      String target = must.component() + "@" + must.version();
      Duration took = report.timeToDetect().get(target);
      out.printf(
          "  %s %s: %s after its first faulty crash in simulated time (target <= %d min: %s)%n",
          must.action(),
          target,
          took == null ? "never" : took,
          ROLLBACK_TARGET.toMinutes(),
          took != null && took.compareTo(ROLLBACK_TARGET) <= 0 ? "met" : "NOT met");
    }
    List<String> others =
        report.signals().stream()
            .filter(
                s ->
                    !scenario.expect().isRequired(new ComponentVersion(s.component(), s.version())))
            .map(FullScaleCommand::describe)
            .toList();
    out.printf(
        "  other signals: %s (target: none)%n",
        others.isEmpty() ? "none" : String.join(", ", others));
  }

  /**
   * The pipeline against the fleet alone in the same run: how much of the wall time the processor
   * (and the lock-step's waits for it) add, and whether the speed target is within this machine's
   * reach at all with this simulator and broker.
   */
  private void printCeiling(
      SimulationResult feed, ScenarioReport report, Duration played, Duration fileDuration) {
    double feedSeconds = feed.wallTime().toMillis() / 1000.0;
    double feedRatio = played.toMillis() / 1000.0 / feedSeconds;
    out.printf(
        "  ceiling, the fleet alone in the same run (simulator, serde, producer and broker;"
            + " nothing reading): %,d events in %.1f s, %.2f times real time, %,.0f events/s;"
            + " the pipeline's speed is %.2f of it%n",
        feed.events(),
        feedSeconds,
        feedRatio,
        feed.events() / feedSeconds,
        feedSeconds / report.wallSeconds());
    if (feed.events() != report.events()) {
      out.printf(
          "  (the fleet alone sent %,d events, the pipeline's run %,d: a controller played on"
              + " the signals changed the fleet)%n",
          feed.events(), report.events());
    }
    printReach(feedRatio, played, fileDuration);
  }

  private static String describe(ObservedSignal s) {
    return s.action() + " " + s.target() + " at " + s.simulatedTime();
  }
}
