package dev.crashwatch.bench;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Detection latency, live: a faulty rollout played at real time (or {@code speed} times it) by a
 * free-running fleet, not in lock-step, into the processor with its own defaults (exactly-once,
 * commits every second), as a deployment runs; the HALT consumed from the rollback-signals topic as
 * release tooling would, read committed.
 *
 * <p>Two latencies per run, in wall seconds: from the first faulty crash (the device's crash; its
 * report is produced within the scenario's upload delay) to the HALT consumed, which includes the
 * time the fleet takes to crash enough to be evidence; and from the point the evidence suffices to
 * the HALT consumed, which is the pipeline's own delay. The evidence suffices at the end of the
 * detector interval whose evaluation decides: the HALT's decision time, the interval boundary less
 * a millisecond, is the simulated time by which the data it needed had arrived, and a detector that
 * evaluates once per interval decides no earlier. That point is mapped to wall time by the
 * simulator's own pacing ({@link FleetSimulator#wallNanosAt}).
 */
final class LiveLatency {

  static final Duration TARGET = Duration.ofSeconds(60);

  /** How long after the scenario's end a run still waits for the HALT. */
  private static final Duration GRACE = Duration.ofMinutes(2);

  /** One run: the faulty version, when it crashed first and when it was decided and seen halted. */
  record Run(
      String target,
      Instant firstCrash,
      Instant decisionTime,
      double fromFirstCrashSeconds,
      double fromEvidenceSeconds,
      List<String> otherSignals) {}

  /** The medians and 95th percentiles over the runs. */
  record Result(
      List<Run> runs,
      double fromFirstCrashMedian,
      double fromFirstCrashP95,
      double fromEvidenceMedian,
      double fromEvidenceP95) {}

  private record Seen(String target, String action, Instant decisionTime, long wallNanos) {}

  private final PrintStream out;
  private final Path dir;

  LiveLatency(PrintStream out, Path dir) {
    this.out = out;
    this.dir = dir;
  }

  Result run(Scenario scenario, int runs, double speed, int partitions) throws Exception {
    String target = faultyTarget(scenario);
    out.println(Machine.describe());
    out.printf(
        "live detection latency: scenario %s (%,d devices, %s simulated at %s times real time, not"
            + " in lock-step), faulty %s; the processor with its defaults%n",
        scenario.name(), scenario.fleet().devices(), scenario.duration(), speed, target);
    List<Run> done = new ArrayList<>();
    for (int i = 1; i <= runs; i++) {
      Run r = once(scenario, target, speed, partitions, i);
      done.add(r);
      out.printf(
          "  run %d: first faulty crash %s, decided at %s (simulated); HALT consumed %.1f s after"
              + " the first faulty crash, %.1f s after the evidence sufficed%s%n",
          i,
          r.firstCrash(),
          r.decisionTime(),
          r.fromFirstCrashSeconds(),
          r.fromEvidenceSeconds(),
          r.otherSignals().isEmpty() ? "" : "; other signals: " + r.otherSignals());
    }
    List<Double> fromCrash = done.stream().map(Run::fromFirstCrashSeconds).toList();
    List<Double> fromEvidence = done.stream().map(Run::fromEvidenceSeconds).toList();
    Result result =
        new Result(
            done,
            Figures.median(fromCrash),
            Figures.percentile(fromCrash, 95),
            Figures.median(fromEvidence),
            Figures.percentile(fromEvidence, 95));
    out.printf(
        "live detection latency over %d runs: from the first faulty crash median %.1f s, p95 %.1f"
            + " s; from the evidence sufficing median %.1f s, p95 %.1f s (target <= %d s: %s)%n",
        runs,
        result.fromFirstCrashMedian(),
        result.fromFirstCrashP95(),
        result.fromEvidenceMedian(),
        result.fromEvidenceP95(),
        TARGET.toSeconds(),
        Figures.atMost(result.fromEvidenceP95(), TARGET.toSeconds()));
    return result;
  }

  private Run once(Scenario scenario, String target, double speed, int partitions, int run)
      throws Exception {
    try (BenchStack stack = BenchStack.start(dir.resolve("run-" + run), partitions)) {
      stack.loadCatalogue(scenario);
      String applicationId = "bench-live-" + run;
      try (StreamProcessor processor =
              new StreamProcessor(stack.processorSettings(applicationId, Map.of()));
          SignalReader signals = new SignalReader(stack)) {
        processor.start();
        awaitRunning(processor);
        FleetSimulator simulator;
        SimulationResult result;
        try (TelemetryEmitter emitter =
            new TelemetryEmitter(stack.bootstrapServers(), stack.serdes, stack.topics, Map.of())) {
          simulator = new FleetSimulator(scenario, emitter, stack.topics).atSpeed(speed);
          result = simulator.run(Duration.ofMinutes(5), at -> out.printf("    simulated %s%n", at));
        }
        Instant firstCrash = result.firstFaultyCrash().get(target);
        if (firstCrash == null) {
          throw new IllegalStateException("the scenario crashed no device on " + target);
        }
        Seen halt = signals.awaitSevere(target, GRACE);
        List<String> others =
            signals.seen.stream()
                .filter(s -> !s.target().equals(target))
                .map(s -> s.action() + " " + s.target())
                .toList();
        return new Run(
            target,
            firstCrash,
            halt.decisionTime(),
            (halt.wallNanos() - simulator.wallNanosAt(firstCrash)) / 1e9,
            (halt.wallNanos() - simulator.wallNanosAt(halt.decisionTime())) / 1e9,
            others);
      }
    }
  }

  private static void awaitRunning(StreamProcessor processor) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (processor.streams().state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the processor is " + processor.streams().state());
      }
      Throwable failed = processor.awaitStop(Duration.ofMillis(100));
      if (failed != null) {
        throw new IllegalStateException("the processor stopped: " + failed, failed);
      }
    }
  }

  /** The one faulty rollout the benchmark times, component@version. */
  private static String faultyTarget(Scenario scenario) {
    List<Rollout> faulty = scenario.rollouts().stream().filter(Rollout::isFaulty).toList();
    if (faulty.size() != 1) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario.name()
              + ": rollouts: the live-latency benchmark times one faulty rollout, found "
              + faulty.size());
    }
    return faulty.get(0).target().toString();
  }

  /**
   * The rollback-signals topic read as release tooling reads it (read committed, from the start),
   * keeping the wall time each signal was consumed.
   */
  private static final class SignalReader implements AutoCloseable {

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Seen>> firstSevere = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, RollbackSignal> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    SignalReader(BenchStack stack) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
      config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-live-signals");
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumer =
          new KafkaConsumer<>(
              config,
              new StringDeserializer(),
              stack.serdes.value(RollbackSignal.class).deserializer());
      consumer.subscribe(List.of(stack.topics.rollbackSignals()));
      thread = new Thread(this::poll, "bench-live-signals");
      thread.setDaemon(true);
      thread.start();
    }

    private void poll() {
      try {
        while (running) {
          for (var record : consumer.poll(Duration.ofMillis(10))) {
            long now = System.nanoTime();
            RollbackSignal s = record.value();
            Seen signal =
                new Seen(
                    s.getComponent() + "@" + s.getVersion(),
                    s.getAction().name(),
                    s.getEvidence().getDecisionTime(),
                    now);
            seen.add(signal);
            if (signal.action().equals("HALT") || signal.action().equals("ROLLBACK")) {
              firstSevere
                  .computeIfAbsent(signal.target(), t -> new CompletableFuture<>())
                  .complete(signal);
            }
          }
        }
      } catch (org.apache.kafka.common.errors.WakeupException stopping) {
        // close() woke the consumer up
      } finally {
        consumer.close();
      }
    }

    /** The first HALT or ROLLBACK of {@code target}, waiting up to {@code timeout} for it. */
    Seen awaitSevere(String target, Duration timeout) throws Exception {
      try {
        return firstSevere
            .computeIfAbsent(target, t -> new CompletableFuture<>())
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "no HALT of " + target + " within " + timeout + " of the scenario's end; seen: " + seen,
            e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      consumer.wakeup();
      thread.join(Duration.ofSeconds(10).toMillis());
    }
  }
}
