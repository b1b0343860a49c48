package dev.crashwatch.processor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.processor.detect.FalseAlarmBudget;
import dev.crashwatch.processor.detect.SequentialVerdict;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.SequentialEvidenceRecord;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A look's evidence must not depend on how the device-state tasks interleave: the figures reach the
 * detector once every task has sent the minutes up to the look, but a faster task may already have
 * sent its joins and leaves of later minutes. A rollout step in the next minute then moved devices
 * at risk from one version to another before the look (in {@code .ci/run} this gave {@code
 * faulty-two-at-once} a HALT of gpu-driver a minute earlier, and storage-filter's ROLLBACK four
 * minutes later, in some runs and not others).
 */
class EvidenceLedgerTest {

  private static final long MINUTE = 60_000L;
  private static final long T0 = 1_721_350_800_000L; // 2024-07-19T01:00:00Z, a minute's start
  private static final long WINDOW = 10 * MINUTE;
  private static final VersionKey OLD = new VersionKey("gpu-driver", "553.30");
  private static final VersionKey NEW = new VersionKey("gpu-driver", "553.40");

  @Test
  void aLookIgnoresTheJoinsAndLeavesOfLaterMinutes() {
    long look = T0 + 3 * MINUTE - 1; // the end of minute 2
    // 1,000 devices on the old version from minute 0, 200 of them moved to the new one in minute
    // 1; 12 crashed on the new version and 1 on the old in minute 2
    Map<VersionKey, VersionStats> inStep = new LinkedHashMap<>();
    inStep.put(OLD, stats(800, Map.of(0, 1_000L), Map.of(1, 200L), Map.of(2, 1L)));
    inStep.put(NEW, stats(200, Map.of(1, 200L), Map.of(), Map.of(2, 12L)));
    // the same, and a faster task's rollout step of minute 3 already in: 500 more moved
    Map<VersionKey, VersionStats> ahead = new LinkedHashMap<>();
    ahead.put(OLD, stats(300, Map.of(0, 1_000L), Map.of(1, 200L, 3, 500L), Map.of(2, 1L)));
    ahead.put(NEW, stats(700, Map.of(1, 200L, 3, 500L), Map.of(), Map.of(2, 12L)));

    Map<String, SequentialVerdict> verdicts = newLedger().look(inStep, Map.of(), look);
    assertThat(verdicts.get(NEW.toString()).logEValue())
        .as("the new version's crashes are evidence")
        .isPositive();
    assertThat(newLedger().look(ahead, Map.of(), look)).isEqualTo(verdicts);
  }

  /**
   * Figures as {@link VersionStatsProcessor} keeps them: devices running the version now (all in
   * the canary ring), and devices joined, left and newly crashed per minute since {@link #T0}.
   */
  private static VersionStats stats(
      long running,
      Map<Integer, Long> joined,
      Map<Integer, Long> left,
      Map<Integer, Long> crashed) {
    VersionStats stats = VersionStats.newBuilder().build();
    stats.setExposedByRing(new HashMap<>(Map.of("canary", running)));
    stats.setJoinedBuckets(buckets(joined));
    stats.setLeftBuckets(buckets(left));
    stats.setCrashBuckets(buckets(crashed));
    stats.setCrashedDevices(crashed.values().stream().mapToLong(Long::longValue).sum());
    stats.setFirstSeenTime(T0 + joined.keySet().stream().mapToInt(m -> m).min().orElse(0) * MINUTE);
    return stats;
  }

  private static Map<String, Long> buckets(Map<Integer, Long> byMinute) {
    Map<String, Long> buckets = new HashMap<>();
    byMinute.forEach((minute, n) -> buckets.put(Long.toString(T0 + minute * MINUTE), n));
    return buckets;
  }

  private static EvidenceLedger newLedger() {
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    KeyValueStore<StatsKey, SequentialEvidenceRecord> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EvidenceLedger.STORE),
                new InternalAvroSerde<>(StatsKey.class),
                new InternalAvroSerde<>(SequentialEvidenceRecord.class))
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    return new EvidenceLedger(store, new FalseAlarmBudget(0.001), 0.001, WINDOW);
  }
}
