package dev.crashwatch.bench;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.metrics.ProcessorHealth;
import dev.crashwatch.processor.metrics.RegistryOutage;
import dev.crashwatch.processor.metrics.TopicEnds;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Processor throughput against the raw-consumer ceiling, in one run on the same topics: a scenario
 * (controller off) is preloaded into the input topics of the embedded stack; then, alternating, the
 * ceiling ({@link CeilingConsumer}) reads and decodes all of it, and the processor, with
 * exactly-once, from offset zero under a fresh application id and state directory, runs until its
 * committed offsets reach the end of every input partition (lag 0). Each round also runs the peer
 * between the two, {@link StreamsAlone}: Kafka Streams with the processor's configuration that only
 * decodes the same records, so that the gap from the processor to the ceiling splits into what the
 * framework costs and what the pipeline's own work costs; then two more rungs between them: the
 * least per-device work ({@link StreamsAlone.Work#DEVICE_STORE}: a read of the device's entry in a
 * logged RocksDB store per event, a write when its last-seen bucket moves), and the same with the
 * processor's device-state record as the entry ({@link StreamsAlone.Work#DEVICE_STATE}), so that
 * the gap splits further into the store, the state's format, and the processor's logic. A processor
 * run of its own after the measured ones, not counted, is recorded with JFR ({@link Hotspots}):
 * measured here, a run under the recording took about twice the CPU per event of the JVM as one
 * without, so the profile's run was no measure of throughput.
 */
final class ProcessorThroughput {

  static final double TARGET_RATIO = 0.25;
  private static final Duration CATCH_UP_BOUND = Duration.ofMinutes(30);
  private static final long POLL_MS = 100;
  // Kafka Streams names its processing threads "<client id>-StreamThread-<n>"; the global store's
  // thread is "...-GlobalStreamThread", which is not one of them.
  private static final String STREAM_THREAD = "-StreamThread-";

  /**
   * The medians of the ceiling and of the processor's defaults (or {@code --set}), and the median
   * of the rounds' ratios, each round's processor against the ceiling read in that round: the
   * ceiling moves by up to 1.8 times between rounds, so medians taken apart would pair figures of
   * different rounds.
   */
  record Result(
      double ceilingMedian, double processorMedian, double ratio, List<PeerFigure> peers) {}

  /** A peer's median events/s and the median of its rounds' ratios to the ceiling. */
  record PeerFigure(String name, double median, double ratio) {}

  private final PrintStream out;
  private final Path dir;
  private final Map<String, String> overrides;
  private final List<Map<String, String>> variants;
  private final boolean warmUp;

  /**
   * With a warm-up run: see {@link #ProcessorThroughput(PrintStream, Path, Map, List, boolean)}.
   */
  ProcessorThroughput(
      PrintStream out,
      Path dir,
      Map<String, String> overrides,
      List<Map<String, String>> variants) {
    this(out, dir, overrides, variants, true);
  }

  /**
   * @param overrides processor settings of every processor run
   * @param variants further settings, each measured as a processor run of its own in every round,
   *     beside the plain one: a before/after comparison on the same records in the same run
   * @param warmUp whether one processor run over the same records, not counted, comes first. The
   *     first run in a JVM is mostly the JIT's: measured on the shared 2-core machine, a cold run
   *     took 2.5 times the CPU per event of the next one (the compiler threads, and the processor's
   *     code running interpreted while they wait for a core), so without it a single run measures
   *     start-up, not the throughput of a processor that runs for days
   */
  ProcessorThroughput(
      PrintStream out,
      Path dir,
      Map<String, String> overrides,
      List<Map<String, String>> variants,
      boolean warmUp) {
    this.out = out;
    this.dir = dir;
    this.overrides = overrides;
    this.variants = variants;
    this.warmUp = warmUp;
  }

  Result run(Scenario scenario, int partitions, int runs, boolean profile) throws Exception {
    out.println(Machine.describe());
    // rungs from the framework towards the processor, each adding work to the one before
    List<Peer> peers =
        List.of(
            new Peer(
                "Kafka Streams alone",
                "the processor's configuration, decoding only",
                "bench-streams-alone",
                StreamsAlone.Work.DECODE_ONLY),
            new Peer(
                "Kafka Streams with a device store",
                "decoding, a read of the device's entry, a long, in a logged RocksDB store per"
                    + " event, a write when its last-seen bucket moves",
                "bench-device-store",
                StreamsAlone.Work.DEVICE_STORE),
            new Peer(
                "Kafka Streams with the device-state format",
                "the same with the processor's device-state record as the entry",
                "bench-device-format",
                StreamsAlone.Work.DEVICE_STATE));
    try (BenchStack stack = BenchStack.start(dir, partitions)) {
      // a setting the processor refuses (one that would turn off exactly-once, a bad value) stops
      // the run here, naming it, not after the minutes of the rounds before its first use
      variants.forEach(v -> stack.processorSettings("bench-check", withVariant(v)));
      stack.loadCatalogue(scenario);
      long records = preload(stack, scenario);
      if (!overrides.isEmpty()) {
        out.printf("  processor settings changed for this run: %s%n", overrides);
      }
      if (warmUp) {
        // Both sides warm: a cold ceiling read took 2.3 µs of CPU a record against 1.0 warm.
        double ceiling =
            CeilingConsumer.read(stack.bootstrapServers(), stack.serdes, stack.topics, records)
                .recordsPerSecond();
        out.printf("  warm-up: ceiling %,.0f records/s (not counted)%n", ceiling);
        double rate = runProcessor(stack, records, "bench-warm-up", overrides, false);
        out.printf("  warm-up: processor %,.0f events/s (not counted)%n", rate);
        for (Peer peer : peers) {
          double peerRate = runAlone(stack, records, peer.applicationId("warm-up"), peer.work());
          out.printf("  warm-up: %s %,.0f events/s (not counted)%n", peer.name(), peerRate);
        }
      }
      List<Double> ceilings = new ArrayList<>();
      List<Double> processors = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<List<Double>> variantRates = new ArrayList<>();
      List<List<Double>> variantRatios = new ArrayList<>();
      variants.forEach(
          v -> {
            variantRates.add(new ArrayList<>());
            variantRatios.add(new ArrayList<>());
          });
      for (int i = 1; i <= runs; i++) {
        CeilingConsumer.Reading reading =
            CeilingConsumer.read(stack.bootstrapServers(), stack.serdes, stack.topics, records);
        double ceiling = reading.recordsPerSecond();
        ceilings.add(ceiling);
        out.printf(
            "  run %d: ceiling %,.0f records/s, %.1f µs of CPU per record%n",
            i, ceiling, reading.cpuNanos() / 1e3 / records);
        double processor = runProcessor(stack, records, "bench-processor-" + i, overrides, false);
        processors.add(processor);
        ratios.add(processor / ceiling);
        out.printf(
            "  run %d: processor %,.0f events/s, ratio %.3f%n", i, processor, processor / ceiling);
        for (Peer peer : peers) {
          double rate = runAlone(stack, records, peer.applicationId(i), peer.work());
          peer.add(rate, ceiling, processor);
          out.printf(
              "  run %d: %s %,.0f events/s, ratio %.3f; the processor %.3f of it%n",
              i, peer.name(), rate, rate / ceiling, processor / rate);
        }
        for (int v = 0; v < variants.size(); v++) {
          double rate =
              runProcessor(
                  stack,
                  records,
                  "bench-variant-" + (v + 1) + "-" + i,
                  withVariant(variants.get(v)),
                  false);
          variantRates.get(v).add(rate);
          variantRatios.get(v).add(rate / ceiling);
          out.printf(
              "  run %d: processor with %s %,.0f events/s, ratio %.3f%n",
              i, variants.get(v), rate, rate / ceiling);
        }
      }
      if (profile) {
        double rate = runProcessor(stack, records, "bench-profile", overrides, true);
        out.printf("  profiled run: processor %,.0f events/s under JFR (not counted)%n", rate);
      }
      double c = Figures.median(ceilings);
      double p = Figures.median(processors);
      double ratio = Figures.median(ratios);
      out.printf(
          "processor throughput: median %,.0f events/s, ceiling median %,.0f records/s; median of"
              + " the %d runs' ratios (each against its own run's ceiling) %.3f (target >= %.2f:"
              + " %s)%n",
          p, c, runs, ratio, TARGET_RATIO, Figures.atLeast(ratio, TARGET_RATIO));
      for (Peer peer : peers) {
        out.printf(
            "  %s (%s): median %,.0f events/s, median ratio to the ceiling %.3f (%s the"
                + " processor's target of %.2f); the processor, median %.3f of it%n",
            peer.name(),
            peer.description(),
            peer.rate(),
            peer.ratio(),
            peer.ratio() >= TARGET_RATIO ? "at or above" : "below",
            TARGET_RATIO,
            peer.processorOf());
      }
      for (int v = 0; v < variants.size(); v++) {
        double rate = Figures.median(variantRates.get(v));
        out.printf(
            "  with %s: median %,.0f events/s, ratio %.3f (%.2fx the plain run)%n",
            variants.get(v), rate, Figures.median(variantRatios.get(v)), rate / p);
      }
      return new Result(
          c,
          p,
          ratio,
          peers.stream()
              .map(peer -> new PeerFigure(peer.name(), peer.rate(), peer.ratio()))
              .toList());
    }
  }

  /**
   * One of the {@link StreamsAlone} peers over the rounds: its events/s, its ratio to each round's
   * ceiling, and the processor's ratio to it in the same round.
   */
  private record Peer(
      String name,
      String description,
      String applicationPrefix,
      StreamsAlone.Work work,
      List<Double> rates,
      List<Double> ratios,
      List<Double> processorOfs) {

    Peer(String name, String description, String applicationPrefix, StreamsAlone.Work work) {
      this(
          name,
          description,
          applicationPrefix,
          work,
          new ArrayList<>(),
          new ArrayList<>(),
          new ArrayList<>());
    }

    String applicationId(Object run) {
      return applicationPrefix + "-" + run;
    }

    void add(double rate, double ceiling, double processor) {
      rates.add(rate);
      ratios.add(rate / ceiling);
      processorOfs.add(processor / rate);
    }

    double rate() {
      return Figures.median(rates);
    }

    double ratio() {
      return Figures.median(ratios);
    }

    double processorOf() {
      return Figures.median(processorOfs);
    }
  }

  /** The settings of every run with {@code variant}'s on top. */
  private Map<String, String> withVariant(Map<String, String> variant) {
    Map<String, String> settings = new LinkedHashMap<>(overrides);
    settings.putAll(variant);
    return settings;
  }

  /** Sends the scenario into the input topics; returns how many records were written. */
  private long preload(BenchStack stack, Scenario scenario) {
    out.printf(
        "preloading scenario %s (%,d devices, %s simulated, controller off)...%n",
        scenario.name(), scenario.fleet().devices(), scenario.duration());
    long start = System.nanoTime();
    SimulationResult result;
    long records;
    try (TelemetryEmitter emitter =
        new TelemetryEmitter(stack.bootstrapServers(), stack.serdes, stack.topics, Map.of())) {
      result =
          new FleetSimulator(scenario, emitter, stack.topics).run(scenario.duration(), at -> {});
      emitter.flush();
      if (emitter.failed() > 0) {
        throw new IllegalStateException(emitter.failed() + " events were not delivered");
      }
      // every record written, the scenario's duplicates and malformed ones included
      records = emitter.sent();
    }
    out.printf(
        "  preloaded %,d events (%,d records) in %.1f s%n",
        result.events(), records, (System.nanoTime() - start) / 1e9);
    return records;
  }

  private double runProcessor(
      BenchStack stack,
      long records,
      String applicationId,
      Map<String, String> overrides,
      boolean recorded)
      throws Exception {
    ProcessorSettings settings = stack.processorSettings(applicationId, overrides);
    Hotspots hotspots = recorded ? Hotspots.start() : null;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long processCpuStart = processCpuNanos();
    long start = System.nanoTime();
    double seconds;
    long streamCpuNanos;
    try (StreamProcessor processor = new StreamProcessor(settings)) {
      processor.start();
      // caught up: committed offsets at the end of every input partition (lag 0)
      awaitCaughtUp(
          new ProcessorHealth(
              processor.streams(),
              processor.admin(),
              applicationId,
              stack.topics.inputs(),
              0,
              processor.registryOutage()),
          applicationId,
          () -> {
            Throwable failed = processor.awaitStop(Duration.ofMillis(POLL_MS));
            return failed != null || processor.streams().state() == KafkaStreams.State.NOT_RUNNING
                ? new IllegalStateException(
                    applicationId + " stopped before it caught up: " + failed, failed)
                : null;
          });
      seconds = (System.nanoTime() - start) / 1e9;
      if (processor.streams().state() != KafkaStreams.State.RUNNING) {
        throw new IllegalStateException("the processor is " + processor.streams().state());
      }
      streamCpuNanos = cpuNanos(threads, name -> name.contains(STREAM_THREAD));
      long applicationCpu = cpuNanos(threads, name -> name.contains(applicationId));
      long processCpu = processCpuNanos() - processCpuStart;
      Map<String, Long> internal = internalRecordsWritten(processor.admin(), applicationId);
      out.printf(
          "    %s: %.1f s; CPU per event: %.1f µs in its stream threads, %.1f µs in all its threads"
              + " (clients' I/O included), %.1f µs in this whole JVM (the broker's work for it"
              + " included); records written per event to its internal topics: %s%n",
          applicationId,
          seconds,
          streamCpuNanos / 1e3 / records,
          applicationCpu / 1e3 / records,
          processCpu / 1e3 / records,
          perEvent(internal, records, applicationId));
    }
    if (recorded) {
      Path file = hotspots.stop(dir.resolve(applicationId + ".jfr"));
      Hotspots.Profile profile = Hotspots.read(file, name -> name.contains(STREAM_THREAD));
      out.printf(
          "  where the processor's stream threads spend their time (run %s, %s):%n",
          applicationId, file);
      profile.print(out, "    ");
      out.printf(
          "  stream threads' CPU: %.1f s of %.1f s wall (%.0f%% of one core); the detector task"
              + " (DetectorProcessor on the stack) holds %.1f%% of their samples%n",
          streamCpuNanos / 1e9,
          seconds,
          100.0 * streamCpuNanos / 1e9 / seconds,
          100.0 * profile.inclusiveShareOf("DetectorProcessor"));
    }
    return records / seconds;
  }

  /**
   * One run of {@link StreamsAlone} doing {@code work} from offset zero under a fresh application
   * id until lag 0; returns its events/s and prints its stream threads' CPU per event and what it
   * wrote to its internal topics.
   */
  private double runAlone(
      BenchStack stack, long records, String applicationId, StreamsAlone.Work work)
      throws Exception {
    ProcessorSettings settings = stack.processorSettings(applicationId, overrides);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    double seconds;
    try (KafkaStreams alone = StreamsAlone.create(stack, settings, work);
        Admin admin = Admin.create(stack.stack.adminClientConfig())) {
      alone.start();
      awaitCaughtUp(
          // only its lag is asked for: the registry outage it also takes is the readiness probe's
          new ProcessorHealth(
              alone,
              admin,
              applicationId,
              stack.topics.inputs(),
              0,
              new RegistryOutage(Clock.systemUTC())),
          applicationId,
          () -> {
            KafkaStreams.State state = alone.state();
            return state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING
                ? new IllegalStateException(
                    applicationId + " stopped before it caught up: " + state)
                : null;
          });
      seconds = (System.nanoTime() - start) / 1e9;
      // its own stream threads ("<application id>-<uuid>-StreamThread-<n>"), not its clients'
      long streamCpuNanos =
          cpuNanos(
              threads,
              name -> name.startsWith(applicationId + "-") && name.contains(STREAM_THREAD));
      Map<String, Long> internal = internalRecordsWritten(admin, applicationId);
      out.printf(
          "    %s: %.1f s; CPU per event: %.1f µs in its stream threads%s%n",
          applicationId,
          seconds,
          streamCpuNanos / 1e3 / records,
          internal.isEmpty()
              ? ""
              : "; records written per event to its internal topics: "
                  + perEvent(internal, records, applicationId));
    }
    return records / seconds;
  }

  /** How a run is found to have stopped: the reason, or null while it runs. */
  private interface Stopped {
    IllegalStateException check() throws Exception;
  }

  /**
   * Waits until {@code applicationId}'s committed offsets are at the end of every input partition
   * (lag 0), for at most {@link #CATCH_UP_BOUND}.
   */
  private static void awaitCaughtUp(ProcessorHealth health, String applicationId, Stopped stopped)
      throws Exception {
    long deadline = System.nanoTime() + CATCH_UP_BOUND.toNanos();
    while (health.inputLag() > 0) {
      IllegalStateException failed = stopped.check();
      if (failed != null) {
        throw failed;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            applicationId
                + " still "
                + health.inputLag()
                + " records behind after "
                + CATCH_UP_BOUND);
      }
      Thread.sleep(POLL_MS);
    }
  }

  /**
   * Records ever written to each of a run's internal topics (changelogs and repartitions): what the
   * processor makes the broker store per event, beside its own CPU.
   */
  private static Map<String, Long> internalRecordsWritten(Admin admin, String applicationId)
      throws Exception {
    List<String> internal =
        admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
            .filter(name -> name.startsWith(applicationId + "-"))
            .toList();
    // records ever written to a topic: the sum of its partitions' end offsets
    Map<String, Long> written = new TreeMap<>();
    TopicEnds.of(admin, internal, Duration.ofSeconds(30))
        .forEach((partition, end) -> written.merge(partition.topic(), end, Long::sum));
    return written;
  }

  /** "device-state-changelog 0.41, ..." with the application id cut off, largest first. */
  private static String perEvent(Map<String, Long> written, long events, String applicationId) {
    return written.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(
            e ->
                String.format(
                    "%s %.3f",
                    e.getKey().substring(applicationId.length() + 1),
                    (double) e.getValue() / events))
        .collect(Collectors.joining(", "));
  }

  /** CPU time of this JVM: the processor and the embedded broker it runs against. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of the live threads whose name {@code named} accepts. */
  private static long cpuNanos(ThreadMXBean threads, Predicate<String> named) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> named.test(t.getName()))
        .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId())))
        .sum();
  }
}
