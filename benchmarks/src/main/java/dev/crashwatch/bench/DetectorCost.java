package dev.crashwatch.bench;

import dev.crashwatch.processor.ProcessorSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;

/**
 * {@code bench detector}: whether the single-partition detector caps the application at one thread
 * at full scale. The production {@code DetectorProcessor} runs as its task would ({@link
 * DetectorTask}: production settings, RocksDB stores of the production names and serdes, records
 * deserialized as its source node does), fed what the version-stats tasks would send for a {@link
 * DetectorFleetShape}: per interval the figures of the keys that changed ({@link
 * SyntheticDetectorInput}) and one tick per upstream task, on which the detector evaluates. It runs
 * on the calling thread, so the CPU it takes is measured directly, per record and per evaluation
 * (the process's CPU in those spans, RocksDB's and the collector's threads included, and the
 * calling thread's alone); on the embedded broker the broker and the other tasks would share the
 * same two cores without being told apart.
 *
 * <p>The ceiling is one core: the detector is one task, so one stream thread. Its share at full
 * scale is {@code records/s x CPU per record + evaluations/s x CPU per evaluation}, at real time
 * and at ten times real time (the full-scale target).
 */
final class DetectorCost {

  /** The full-scale replay's target: three simulated hours in at most 18 minutes. */
  static final double FULL_SCALE_SPEED = 10;

  /** The share of one core below which the detector is not what caps the application. */
  static final double NOT_THE_BOTTLENECK = 0.5;

  private static final int CHUNK = 20_000;
  private static final Instant START = Instant.parse("2024-07-19T03:00:00Z");

  private final PrintStream out;
  private final Path dir;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * @param perRecordMicros CPU of the process per detector-input record, median of the runs
   * @param perEvaluationMillis CPU of the process per evaluation, median of the runs
   * @param shareRealTime the detector thread's share of one core at real time
   * @param shareFullScale the same at {@link #FULL_SCALE_SPEED} times real time
   * @param threadPerRecordMicros the detector thread's own CPU per record, median of the runs (in
   *     nanoseconds where the process's CPU counts in 10 ms ticks on Linux)
   */
  record Result(
      double recordsPerInterval,
      double perRecordMicros,
      double perEvaluationMillis,
      double shareRealTime,
      double shareFullScale,
      double threadPerRecordMicros,
      int signalledVersions) {}

  DetectorCost(PrintStream out, Path dir) {
    this.out = out;
    this.dir = dir;
  }

  /**
   * Loads every live key once, warms up for one interval, then measures {@code runs} intervals
   * (and, if none of them took the vendor-health snapshot, the next one that does).
   */
  Result run(DetectorFleetShape shape, int runs) throws Exception {
    out.println(Machine.describe());
    out.println(shape.describe());
    out.printf(
        "detector input: version-stats forwards each changed key once per %s plus a tick per"
            + " upstream task (%d): %,.0f of %,d live keys change per interval (%.1f%% of them"
            + " pair keys), %,.0f records per interval, %,.0f records/s at real time, %,.0f"
            + " records/s at %.0fx%n",
        shape.interval(),
        shape.upstreamTasks(),
        shape.dirtyKeysPerInterval(),
        shape.versions() + shape.pairKeys() + shape.tenants(),
        100 * shape.dirtyPairKeysPerInterval() / shape.dirtyKeysPerInterval(),
        shape.recordsPerInterval(),
        shape.recordsPerSecond(1),
        shape.recordsPerSecond(FULL_SCALE_SPEED),
        FULL_SCALE_SPEED);
    ProcessorSettings settings = ProcessorSettings.load(Optional.empty(), Map.of());
    try (DetectorTask task = DetectorTask.start(settings, dir)) {
      return measure(shape, runs, settings, task);
    }
  }

  private Result measure(
      DetectorFleetShape shape, int runs, ProcessorSettings settings, DetectorTask task) {
    Duration healthInterval = settings.vendorHealthInterval();
    SyntheticDetectorInput input =
        new SyntheticDetectorInput(
            shape, settings.detectorWindow().plus(settings.detectorGrace()), 20240719L);
    input.catalogue(START).forEach(task::catalogue);
    Map<String, String> signalled = new TreeMap<>();
    long intervalMs = shape.interval().toMillis();
    // The last run's boundary is one at which the detector also takes its vendor-health snapshot
    // (the first boundary past a multiple of vendor.health.interval), so that the runs measure it
    // without intervals of their own: the snapshot comes one interval after a multiple of it.
    long lastRun = START.toEpochMilli() + healthInterval.toMillis() + intervalMs;
    long boundary = lastRun - (runs + 1L) * intervalMs;

    long loadStart = System.nanoTime();
    Interval load = interval(task, input, shape, boundary, true, signalled);
    out.printf(
        "loaded every live key (%,d records) in %.1f s: %.1f us of CPU per record, evaluation"
            + " %.0f ms%n",
        load.records(),
        (System.nanoTime() - loadStart) / 1e9,
        load.recordNanos() / 1e3 / load.records(),
        load.evaluationNanos() / 1e6);

    List<Double> perRecord = new ArrayList<>();
    List<Double> perEvaluation = new ArrayList<>();
    List<Double> threadPerRecord = new ArrayList<>();
    List<Double> withSnapshot = new ArrayList<>();
    for (int run = 0; run <= runs; run++) {
      boundary += intervalMs;
      Interval r = interval(task, input, shape, boundary, false, signalled);
      double usPerRecord = r.recordNanos() / 1e3 / r.records();
      double msPerEvaluation = r.evaluationNanos() / 1e6;
      String label = run == 0 ? "warm-up" : "run " + run;
      out.printf(
          "  %-7s %,d records: %.2f us CPU per record (detector thread %.2f), %.0f ms CPU per"
              + " evaluation (detector thread %.0f)%s%n",
          label,
          r.records(),
          usPerRecord,
          r.threadRecordNanos() / 1e3 / r.records(),
          msPerEvaluation,
          r.threadEvaluationNanos() / 1e6,
          r.vendorSnapshot() ? ", with the vendor-health snapshot" : "");
      if (run > 0) {
        perRecord.add(usPerRecord);
        threadPerRecord.add(r.threadRecordNanos() / 1e3 / r.records());
        (r.vendorSnapshot() ? withSnapshot : perEvaluation).add(msPerEvaluation);
      }
    }
    double us = Figures.median(perRecord);
    // with one run, that run is the one with the snapshot: its whole cost stands for every one
    double plain = Figures.median(perEvaluation.isEmpty() ? withSnapshot : perEvaluation);
    // the snapshot's extra CPU, spread over the evaluations of one vendor.health.interval
    double snapshotExtra =
        withSnapshot.isEmpty() ? 0 : Math.max(0, Figures.median(withSnapshot) - plain);
    double evaluationsPerSnapshot =
        Math.max(1.0, (double) healthInterval.toMillis() / shape.interval().toMillis());
    double ms = plain + snapshotExtra / evaluationsPerSnapshot;
    double realTime = share(shape, 1, us, ms);
    double fullScale = share(shape, FULL_SCALE_SPEED, us, ms);
    out.printf(
        "blame candidates: %d versions signalled during the runs %s%n",
        signalled.size(), signalled);
    out.printf(
        "detector cost: median %.2f us CPU per detector-input record; %.0f ms CPU per evaluation"
            + " (median %.0f, and %.0f more in one of every %.0f for the vendor-health snapshot)%n",
        us, ms, plain, snapshotExtra, evaluationsPerSnapshot);
    out.printf(
        "detector share of one core (the ceiling: one task, one stream thread): %.3f at real"
            + " time, %.3f at %.0fx real time (%,.0f records/s x %.2f us + %.2f evaluations/s x"
            + " %.0f ms)%n",
        realTime,
        fullScale,
        FULL_SCALE_SPEED,
        shape.recordsPerSecond(FULL_SCALE_SPEED),
        us,
        shape.evaluationsPerSecond(FULL_SCALE_SPEED),
        ms);
    out.println(
        fullScale <= NOT_THE_BOTTLENECK
            ? String.format(
                "verdict: the single-partition detector is not the bottleneck: %.0f%% of one core"
                    + " at %.0fx real time (target <= %.0f%%)",
                100 * fullScale, FULL_SCALE_SPEED, 100 * NOT_THE_BOTTLENECK)
            : String.format(
                "verdict: the single-partition detector IS the bottleneck: %.0f%% of one core at"
                    + " %.0fx real time (target <= %.0f%%); it must be partitioned",
                100 * fullScale, FULL_SCALE_SPEED, 100 * NOT_THE_BOTTLENECK));
    return new Result(
        shape.recordsPerInterval(),
        us,
        ms,
        realTime,
        fullScale,
        Figures.median(threadPerRecord),
        signalled.size());
  }

  /** The share of one core the detector needs at {@code speed} times real time. */
  static double share(DetectorFleetShape shape, double speed, double usPerRecord, double ms) {
    return shape.recordsPerSecond(speed) * usPerRecord / 1e6
        + shape.evaluationsPerSecond(speed) * ms / 1e3;
  }

  /** CPU of one interval: the changed keys' records, then the ticks that make it evaluate. */
  private record Interval(
      long records,
      long recordNanos,
      long evaluationNanos,
      long threadRecordNanos,
      long threadEvaluationNanos,
      boolean vendorSnapshot) {}

  private Interval interval(
      DetectorTask task,
      SyntheticDetectorInput input,
      DetectorFleetShape shape,
      long boundary,
      boolean everyKey,
      Map<String, String> signalled) {
    long records = 0;
    long cpu = 0;
    long thread = 0;
    for (long from = 0; from < input.keys(); from += CHUNK) {
      // drawn and serialized outside the measurement: the version-stats tasks' work, not the
      // detector's
      List<KeyValue<byte[], byte[]>> chunk =
          input.records(
              DetectorTask.TOPIC, boundary, from, Math.min(input.keys(), from + CHUNK), everyKey);
      long cpu0 = os.getProcessCpuTime();
      long thread0 = threads.getCurrentThreadCpuTime();
      for (KeyValue<byte[], byte[]> kv : chunk) {
        task.process(kv.key, kv.value, boundary);
      }
      thread += threads.getCurrentThreadCpuTime() - thread0;
      cpu += os.getProcessCpuTime() - cpu0;
      records += chunk.size();
    }
    List<byte[]> ticks = new ArrayList<>();
    for (int upstream = 0; upstream < shape.upstreamTasks(); upstream++) {
      ticks.add(task.tick(upstream));
    }
    long cpu0 = os.getProcessCpuTime();
    long thread0 = threads.getCurrentThreadCpuTime();
    for (byte[] tick : ticks) {
      task.process(tick, task.emptyFigures(), boundary);
    }
    long evaluationThread = threads.getCurrentThreadCpuTime() - thread0;
    long evaluation = os.getProcessCpuTime() - cpu0;
    boolean snapshot = task.drain(signalled) > 0;
    return new Interval(records, cpu, evaluation, thread, evaluationThread, snapshot);
  }
}
