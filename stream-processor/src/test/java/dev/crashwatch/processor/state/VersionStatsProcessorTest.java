package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
