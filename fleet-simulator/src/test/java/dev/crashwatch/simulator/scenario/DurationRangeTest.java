package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DurationRangeTest {

  @Test
  void parsesARange() {
    DurationRange range = DurationRange.parse("PT1M..PT5M");

    assertThat(range.low()).isEqualTo(Duration.ofMinutes(1));
    assertThat(range.high()).isEqualTo(Duration.ofMinutes(5));
    assertThat(range.isExact()).isFalse();
    assertThat(range).hasToString("PT1M..PT5M");
  }

  @Test
  void aSingleDurationMeansExactlyThat() {
    DurationRange range = DurationRange.parse("PT2M");

    assertThat(range).isEqualTo(DurationRange.exactly(Duration.ofMinutes(2)));
    assertThat(range.isExact()).isTrue();
    assertThat(range).hasToString("PT2M");
    assertThat(range.sample(new SplittableRandom(1))).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anEmptyRangeIsAllowed() {
    assertThat(DurationRange.parse("PT0M..PT0S")).isEqualTo(DurationRange.ZERO);
  }

  @Test
  void rejectsBadText() {
    assertThatThrownBy(() -> DurationRange.parse("1..5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "must be an ISO-8601 duration such as PT2M or a range such as PT1M..PT5M, was"
                + " \"1..5\"");
    assertThatThrownBy(() -> DurationRange.parse("PT1M..PT2M..PT3M"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationRange.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAnInvertedOrNegativeRange() {
    assertThatThrownBy(() -> DurationRange.parse("PT5M..PT1M"))
        .hasMessage("low end PT5M is above high end PT1M, was PT5M..PT1M");
    assertThatThrownBy(() -> DurationRange.parse("-PT1M"))
        .hasMessage("must not be negative, was PT-1M");
  }

  @Test
  void samplesStayWithinBothEndsAndCoverTheRange() {
    DurationRange range = DurationRange.parse("PT1M..PT5M");
    SplittableRandom random = new SplittableRandom(42);
    Duration min = range.high();
    Duration max = range.low();
    Set<Long> minutes = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      Duration d = range.sample(random);
      assertThat(d).isBetween(range.low(), range.high());
      min = d.compareTo(min) < 0 ? d : min;
      max = d.compareTo(max) > 0 ? d : max;
      minutes.add(d.toMinutes());
    }
    // Uniform: the extremes come close to both ends and every minute bucket is hit.
    assertThat(min).isLessThan(Duration.ofSeconds(61));
    assertThat(max).isGreaterThan(Duration.ofSeconds(299));
    assertThat(minutes).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
  }

  @Test
  void sampleIncludesBothEndsOfATinyRange() {
    DurationRange range = new DurationRange(Duration.ofNanos(1), Duration.ofNanos(2));
    SplittableRandom random = new SplittableRandom(7);
    Set<Duration> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(range.sample(random));
    }
    assertThat(seen).containsExactlyInAnyOrder(Duration.ofNanos(1), Duration.ofNanos(2));
  }

  @Test
  void samplingIsReproducibleFromASeed() {
    DurationRange range = DurationRange.parse("PT0S..PT20M");

    assertThat(range.sample(new SplittableRandom(3)))
        .isEqualTo(range.sample(new SplittableRandom(3)));
  }

  @Test
  void samplesHugeRangesWithoutOverflow() {
    DurationRange range = new DurationRange(Duration.ZERO, Duration.ofDays(365L * 1000));

    assertThat(range.sample(new SplittableRandom(5))).isBetween(range.low(), range.high());
  }
}
