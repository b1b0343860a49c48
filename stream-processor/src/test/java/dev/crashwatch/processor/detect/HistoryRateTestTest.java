package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistoryRateTestTest {

  /** 0.002 crashes per device-day, per device-minute. */
  private static final double ORDINARY = 0.002 / 1440;

  @Test
  void theNullHazardIsTheHistorysUpperBoundNotItsEstimate() {
    // 10 failures in 1e6 device-minutes: the estimate is 1e-5, the 99.9% upper bound about 2.4e-5.
    HistoryRateTest test = HistoryRateTest.against(10, 1e6, 1e-3, 0);
    assertThat(test.nullHazard()).isBetween(2.0e-5, 2.8e-5);
    assertThat(HistoryRateTest.poissonUpperBound(0, 0.05)).isCloseTo(2.9957, within(1e-3));
  }

  @Test
  void aCrashFreeShortHistoryIsFlooredNotZero() {
    assertThat(HistoryRateTest.against(0, 1e9, 1e-3, ORDINARY).nullHazard()).isEqualTo(ORDINARY);
  }

  @Test
  void aWholeFleetBootLoopRejectsWithinAFewMinutes() {
    // 20,000 devices pushed at once, 20% crash-looping within ten minutes, against a history of
    // the same devices at the ordinary rate over a day.
    HistoryRateTest test = HistoryRateTest.against(40, 20_000 * 1440.0, 1e-3, ORDINARY);
    int minute = 0;
    while (!test.rejects(5e-4)) {
      test.observe(400, 20_000 - 400.0 * minute);
      minute++;
    }
    assertThat(minute).isLessThanOrEqualTo(2);
    assertThat(test.rateRatio()).isGreaterThan(100);
  }

  @Test
  void theSameRateAsTheHistoryNeverRejectsOverADayOfLooks() {
    SplittableRandom random = new SplittableRandom(21);
    int alarms = 0;
    int trials = 2_000;
    for (int trial = 0; trial < trials; trial++) {
      long devices = 1_000 + random.nextLong(100_000);
      double hazard = ORDINARY * (1 + random.nextInt(50));
      double historyMinutes = devices * 1440.0;
      long historyFailures = RolloutModel.Poisson.sample(random, hazard * historyMinutes);
      HistoryRateTest test = HistoryRateTest.against(historyFailures, historyMinutes, 5e-4, 0);
      for (int minute = 0; minute < 1440; minute += 5) {
        test.observe(RolloutModel.Poisson.sample(random, hazard * devices * 5), devices * 5.0);
        if (test.rejects(5e-4)) {
          alarms++;
          break;
        }
      }
    }
    System.out.printf(
        "history baseline: %d false alarms in %d benign whole-fleet pushes (budget 0.1%%)%n",
        alarms, trials);
    // budget alpha + delta = 1e-3, plus three standard deviations of 2,000 trials
    assertThat((double) alarms / trials).isLessThanOrEqualTo(1e-3 + 3 * Math.sqrt(1e-3 / trials));
  }

  @Test
  void badHistoriesAreRefused() {
    assertThatThrownBy(() -> HistoryRateTest.against(-1, 1, 0.1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HistoryRateTest.against(1, 0, 0.1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HistoryRateTest.against(1, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStateRestoresExactly() {
    HistoryRateTest test = HistoryRateTest.against(5, 1e5, 1e-3, 0);
    test.observe(3, 1e4);
    HistoryRateTest restored =
        HistoryRateTest.restore(test.nullHazard(), test.failures(), test.deviceMinutes());
    assertThat(restored.logEValue()).isEqualTo(test.logEValue());
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
