package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The false-alarm budget holds under continuous monitoring: thousands of benign rollouts (the
 * version fails exactly as often as the rest of the fleet) of many sizes and base rates, each
 * looked at every minute for three hours as the processor does. Seeded, so a failure reproduces.
 *
 * <p>Tolerance: the observed rate may exceed the budget only by what sampling allows, three
 * binomial standard deviations of the trial count. Ville's inequality makes the test conservative,
 * so the observed rate is usually far below the budget; the second case uses a budget large enough
 * (5%) that false alarms are actually observed, so a broken statistic (say, a per-look p-value)
 * would fail it.
 */
class SequentialRateTestCalibrationTest {

  private static final int MINUTES = 180;

  @Test
  void theHaltBudgetOfOneInAThousandHoldsOverBenignRollouts() {
    Calibration result = calibrate(1e-3, 5, 36, 11L);
    System.out.println("calibration at the HALT budget: " + result);
    assertThat(result.trials()).isGreaterThanOrEqualTo(5_000);
    assertThat(result.falseAlarmRate()).isLessThanOrEqualTo(result.allowed());
  }

  @Test
  void aLooseBudgetIsStillHeldAndIsActuallyApproached() {
    Calibration result = calibrate(0.05, 0, 24, 12L);
    System.out.println("calibration at a 5% budget, no minimum devices: " + result);
    assertThat(result.falseAlarmRate()).isLessThanOrEqualTo(result.allowed());
    // Looked at 180 times, a fixed 5% test would alarm on most rollouts; the e-process does not.
    assertThat(result.falseAlarms()).isPositive();
  }

  @Test
  void aPerLookPValueWithoutCorrectionBreaksTheSameBudget() {
    // The reason for the e-process: a fixed 5% level tested at every look, as the old detector did
    // at its levels, false-alarms far more often than 5% on the same benign rollouts.
    SplittableRandom random = new SplittableRandom(13L);
    int alarms = 0;
    int trials = 400;
    for (int t = 0; t < trials; t++) {
      RolloutModel model = new RolloutModel(300, 14_700, 0.05, 10, 0, 1);
      if (perLookBinomialAlarm(model, random, 0.05)) {
        alarms++;
      }
    }
    System.out.printf("per-look 5%% test: %d false alarms in %d benign rollouts%n", alarms, trials);
    assertThat((double) alarms / trials).isGreaterThan(0.05);
  }

  /** The benign grid: ring sizes, comparison groups, base rates and rollout spreads. */
  private static Calibration calibrate(double alpha, int minDevices, int trialsPerCase, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<RolloutModel> cases = new ArrayList<>();
    for (long ring : new long[] {30, 300, 3_000, 30_000}) {
      for (long comparisonFactor : new long[] {1, 9, 49}) {
        for (double perDay : new double[] {0.002, 0.05, 0.5, 5.0}) {
          for (int spread : new int[] {0, 10, 60}) {
            cases.add(new RolloutModel(ring, ring * comparisonFactor, perDay, spread, 0, 1));
          }
        }
      }
    }
    int trials = 0;
    int alarms = 0;
    for (RolloutModel model : cases) {
      for (int t = 0; t < trialsPerCase; t++) {
        trials++;
        if (model.run(random, MINUTES, alpha, minDevices).halted()) {
          alarms++;
        }
      }
    }
    return new Calibration(alpha, trials, alarms);
  }

  /**
   * A one-sided binomial test of the cumulative counts at every look, at a fixed level: the share
   * of all failures on the version against its share of the devices.
   */
  private static boolean perLookBinomialAlarm(
      RolloutModel model, SplittableRandom random, double level) {
    double hazard = model.baselinePerDeviceDay() / (24 * 60);
    long ring = model.ringDevices();
    long versionFailed = 0;
    long comparisonFailed = 0;
    for (int minute = 0; minute < MINUTES; minute++) {
      long exposed = Math.min(ring, ring * (minute + 1) / model.spreadMinutes());
      long comparison = model.comparisonDevices() + ring - exposed;
      versionFailed += RolloutModel.Poisson.sample(random, (exposed - versionFailed) * hazard);
      comparisonFailed +=
          RolloutModel.Poisson.sample(random, (comparison - comparisonFailed) * hazard);
      long total = versionFailed + comparisonFailed;
      double share = (double) exposed / (exposed + comparison);
      if (total > 0 && Math.exp(Tails.logBinomialUpperTail(versionFailed, total, share)) < level) {
        return true;
      }
    }
    return false;
  }

  record Calibration(double budget, int trials, int falseAlarms) {
    double falseAlarmRate() {
      return (double) falseAlarms / trials;
    }

    /** The budget plus three binomial standard deviations of the trial count. */
    double allowed() {
      return budget + 3 * Math.sqrt(budget * (1 - budget) / trials);
    }

    @Override
    public String toString() {
      return String.format(
          "%d false alarms in %d benign rollouts (%.4f%%), budget %.4f%%, allowed with sampling"
              + " tolerance %.4f%%",
          falseAlarms, trials, 100 * falseAlarmRate(), 100 * budget, 100 * allowed());
    }
  }
}
