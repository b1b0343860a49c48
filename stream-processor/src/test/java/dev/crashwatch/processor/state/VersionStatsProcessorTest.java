package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bucket order the version figures prune by, without parsing keys. */
class VersionStatsProcessorTest {

  private static final List<Long> MINUTES =
      List.of(
          0L,
          60_000L,
          999_960_000L,
          1_000_020_000L,
          1_721_360_400_000L,
          1_721_360_460_000L,
          1_721_364_000_000L,
          10_000_000_020_000L);

  @Test
  void aBucketKeyIsBeforeTheOldestExactlyWhenItsMinuteIs() {
    List<Long> oldest = new java.util.ArrayList<>(MINUTES);
    oldest.addAll(List.of(-60_000L, 1L, 1_721_360_430_000L, Long.MAX_VALUE));
    for (long minute : MINUTES) {
      for (long o : oldest) {
        assertThat(VersionStatsProcessor.before(Long.toString(minute), o, Long.toString(o)))
            .as("bucket %d before oldest %d", minute, o)
            .isEqualTo(minute < o);
      }
    }
  }

  /**
   * The deltas of several device-state tasks arrive interleaved as their commits fall, so a join of
   * a later minute may arrive first: the detector's first look and blame read this time.
   */
  @Test
  void aVersionIsFirstSeenAtItsEarliestJoinWhateverOrderTheJoinsArriveIn() {
    long t0 = 1_721_350_800_000L;
    List<Long> joins = List.of(t0 + 195_000L, t0 + 70_000L, t0 + 120_000L);
    for (List<Long> order : List.of(joins, List.of(joins.get(2), joins.get(1), joins.get(0)))) {
      VersionStats stats = VersionStats.newBuilder().build();
      for (long at : order) {
        VersionDelta join = VersionDelta.newBuilder().build();
        join.setExposedByRing(new HashMap<>(Map.of("canary", 10L)));
        VersionStatsProcessor.apply(stats, join, at, 0);
      }
      assertThat(stats.getFirstSeenTime()).as("joins in order %s", order).isEqualTo(joins.get(1));
    }
  }
}
