package dev.crashwatch.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentTest {

  @Test
  void aFewCrashesInAHugeFleetNeverReadAsZero() {
    // the full-scale run's log said "55/5099033 crashed (0.00%)"
    assertThat(Percent.of(55, 5_099_033)).isEqualTo("0.0011%");
    assertThat(Percent.of(1, 8_500_000)).isEqualTo("0.000012%");
    assertThat(Percent.of(7, 10_000)).isEqualTo("0.070%");
  }

  @Test
  void sharesFromATenthOfAPercentUpKeepTwoDecimals() {
    assertThat(Percent.of(46, 10_000)).isEqualTo("0.46%");
    assertThat(Percent.of(1, 1_000)).isEqualTo("0.10%");
    assertThat(Percent.of(565, 10_000)).isEqualTo("5.65%");
    assertThat(Percent.of(1, 1)).isEqualTo("100.00%");
  }

  @Test
  void onlyNothingIsZeroAndNoWholeIsNoShare() {
    assertThat(Percent.of(0, 5_000)).isEqualTo("0%");
    assertThat(Percent.of(3, 0)).isEqualTo("-");
    assertThat(Percent.ofFraction(0.0)).isEqualTo("0%");
  }
}
