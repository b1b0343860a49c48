package dev.crashwatch.processor.signal;

import dev.crashwatch.processor.detect.FalseAlarmBudget;
import dev.crashwatch.processor.detect.HistoryRateTest;
import dev.crashwatch.processor.detect.SequentialEvidence;
import dev.crashwatch.processor.detect.SequentialRateTest;
import dev.crashwatch.processor.detect.SequentialVerdict;
import dev.crashwatch.processor.detect.VersionFigures;
import dev.crashwatch.processor.state.SequentialEvidenceRecord;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds every version's anytime-valid tests at each look of the detector, and keeps their state in
 * {@link #STORE}.
 *
 * <p>What a look takes in, per version: the devices newly failed (crashed or found silent) since
 * the last look, read off the version's per-minute failure buckets, which are by arrival, so a late
 * report is evidence when it arrives. A cursor (the bucket of the last look and how much of it was
 * already taken) makes each failure count at exactly one look, even when a look falls inside a
 * minute that still fills. The devices at risk: those running the version at the end of the look's
 * minute (a faster device-state task may already have sent later minutes), less those failed within
 * the window (a boot-looping device is counted once, and is no longer at risk). Devices that left
 * the version are at risk on the version they run now, never on both. The comparison group is the
 * sum of the same over the version's siblings.
 */
final class EvidenceLedger {

  static final String STORE = DetectorProcessor.EVIDENCE_STORE;

  private static final long MINUTE = 60_000L;

  private final KeyValueStore<StatsKey, SequentialEvidenceRecord> store;
  private final FalseAlarmBudget budget;
  private final double floorPerDeviceMinute;
  private final long windowMs;

  /**
   * @param floorPerWindow the detector's baseline rate floor per device over the window: the least
   *     null rate of the history test, so a short, crash-free history is not a zero baseline
   */
  EvidenceLedger(
      KeyValueStore<StatsKey, SequentialEvidenceRecord> store,
      FalseAlarmBudget budget,
      double floorPerWindow,
      long windowMs) {
    this.store = store;
    this.budget = budget;
    this.windowMs = windowMs;
    this.floorPerDeviceMinute = floorPerWindow / Math.max(1.0, (double) windowMs / MINUTE);
  }

  /** One version's inputs at this look. */
  private record Look(
      VersionKey key, SequentialEvidenceRecord record, long newFailures, long atRisk) {}

  /**
   * Takes in the look at {@code now} for every version, stores the new state, and returns each
   * version's verdict by {@code component@version}.
   */
  Map<String, SequentialVerdict> look(
      Map<VersionKey, VersionStats> stats, Map<String, VersionFigures> figures, long now) {
    long bucket = Math.floorDiv(now, MINUTE) * MINUTE;
    Map<String, List<Look>> byComponent = new HashMap<>();
    for (Map.Entry<VersionKey, VersionStats> e : stats.entrySet()) {
      VersionKey key = e.getKey();
      VersionStats s = e.getValue();
      SequentialEvidenceRecord record = store.get(key.toKey());
      if (record == null) {
        record = SequentialEvidenceRecord.newBuilder().build();
      }
      long newFailures;
      if (record.getCursorBucket() < 0) {
        newFailures = failedBetween(s, now - windowMs, bucket);
      } else {
        newFailures =
            failedBetween(s, record.getCursorBucket() - 1, bucket) - record.getCursorTaken();
      }
      record.setCursorTaken(failedBetween(s, bucket - 1, bucket));
      record.setCursorBucket(bucket);
      VersionFigures f = figures.get(key.toString());
      long failedInWindow = f == null ? 0 : f.failedDevices();
      // the devices running it at the end of this look's minute, not now: a faster device-state
      // task may already have sent the joins and leaves of later minutes (VersionStatsProcessor
      // #exposedAt), and the evidence of a look must not depend on how the tasks interleave
      long atRisk = Math.max(0, VersionStatsProcessor.exposedAt(s, now) - failedInWindow);
      byComponent
          .computeIfAbsent(key.component(), c -> new ArrayList<>())
          .add(new Look(key, record, Math.max(0, newFailures), atRisk));
    }
    Map<String, SequentialVerdict> verdicts = new HashMap<>();
    for (List<Look> versions : byComponent.values()) {
      long componentFailures = 0;
      long componentAtRisk = 0;
      for (Look l : versions) {
        componentFailures += l.newFailures();
        componentAtRisk += l.atRisk();
      }
      // every sibling's history as it stood before this look, for a version alone at this look
      Map<VersionKey, double[]> before = new HashMap<>();
      for (Look l : versions) {
        before.put(l.key(), new double[] {l.record().getFailures(), l.record().getDeviceMinutes()});
      }
      for (Look l : versions) {
        SequentialEvidenceRecord r = l.record();
        SequentialEvidence evidence = fromRecord(r);
        double minutes = (double) (now - since(r, figures.get(l.key().toString()), now)) / MINUTE;
        long comparisonAtRisk = componentAtRisk - l.atRisk();
        evidence.observe(
            l.newFailures(),
            componentFailures - l.newFailures(),
            l.atRisk(),
            comparisonAtRisk,
            minutes,
            () -> historyOfSiblings(l.key(), before),
            budget,
            floorPerDeviceMinute);
        r.setLastLook(now);
        toRecord(evidence, r);
        store.put(l.key().toKey(), r);
        verdicts.put(
            l.key().toString(),
            evidence.verdict(SequentialEvidence.alone(l.atRisk(), comparisonAtRisk), budget));
      }
    }
    return verdicts;
  }

  /**
   * Where this look's exposure starts: the last look, or at the first look (which takes in the
   * window's failures) the start of the window, or the version's first sighting if later.
   */
  private long since(SequentialEvidenceRecord r, VersionFigures f, long now) {
    if (r.getLastLook() >= 0) {
      return r.getLastLook();
    }
    long start = now - windowMs;
    if (f != null && f.firstSeenTime() != null) {
      start = Math.max(start, f.firstSeenTime().toEpochMilli());
    }
    return Math.min(start, now);
  }

  private static double[] historyOfSiblings(VersionKey version, Map<VersionKey, double[]> before) {
    double[] sum = new double[2];
    before.forEach(
        (k, h) -> {
          if (!k.equals(version)) {
            sum[0] += h[0];
            sum[1] += h[1];
          }
        });
    return sum;
  }

  private static long failedBetween(VersionStats s, long from, long to) {
    return VersionStatsProcessor.crashedBetween(s, from, to)
        + VersionStatsProcessor.silentBetween(s, from, to);
  }

  static SequentialEvidence fromRecord(SequentialEvidenceRecord r) {
    double[] state = r.getLogLikelihoodRatios().stream().mapToDouble(Double::doubleValue).toArray();
    HistoryRateTest history =
        r.getHistoryNullHazard() > 0
            ? HistoryRateTest.restore(
                r.getHistoryNullHazard(), r.getHistoryFailures(), r.getHistoryDeviceMinutes())
            : null;
    return new SequentialEvidence(
        SequentialRateTest.fromState(state), history, r.getFailures(), r.getDeviceMinutes());
  }

  private static void toRecord(SequentialEvidence e, SequentialEvidenceRecord r) {
    List<Double> state = new ArrayList<>();
    for (double l : e.twoSample().state()) {
      state.add(l);
    }
    r.setLogLikelihoodRatios(state);
    r.setFailures(e.failures());
    r.setDeviceMinutes(e.deviceMinutes());
    HistoryRateTest h = e.history();
    if (h != null) {
      r.setHistoryNullHazard(h.nullHazard());
      r.setHistoryFailures(h.failures());
      r.setHistoryDeviceMinutes(h.deviceMinutes());
    }
  }
}
