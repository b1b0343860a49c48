package dev.crashwatch.processor.detect;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * An anytime-valid test of a version that has no comparison group (it runs on every device of its
 * component, like a content update pushed to the whole fleet at once): is its failure hazard above
 * the one the same devices had before the change?
 *
 * <p>The baseline is the history: {@code historyFailures} distinct devices failed over {@code
 * historyDeviceMinutes} of exposure on the previous versions, in a longer window before the change.
 * Its own sampling error is not ignored: the null hazard is the baseline's upper confidence bound
 * at level {@code 1 - delta} (the exact Poisson bound), so a baseline that was lucky to be low does
 * not turn into an alarm.
 *
 * <p>The statistic is the one-sample Poisson mixture e-process against that hazard {@code lambda0}:
 * with {@code x} failures over {@code t} device-minutes at risk on the version, {@code E = mean_j
 * theta_j^x exp(-(theta_j - 1) lambda0 t)} over the grid of rate ratios above 1 of {@link
 * SequentialRateTest}. Under a true hazard at most {@code lambda0}, {@code E} is a non-negative
 * supermartingale in {@code t}, so it reaches {@code 1/alpha} with probability at most {@code
 * alpha}; with the bound's own {@code delta}, a false alarm has probability at most {@code alpha +
 * delta}. The state is two numbers, {@code x} and {@code t}, and the fixed {@code lambda0}.
 */
public final class HistoryRateTest {

  private final double nullHazardPerDeviceMinute;
  private long failures;
  private double deviceMinutes;

  private HistoryRateTest(double nullHazardPerDeviceMinute, long failures, double deviceMinutes) {
    this.nullHazardPerDeviceMinute = nullHazardPerDeviceMinute;
    this.failures = failures;
    this.deviceMinutes = deviceMinutes;
  }

  /**
   * A test against the history of the same devices.
   *
   * @param historyFailures distinct devices that failed in the history window
   * @param historyDeviceMinutes device-minutes at risk in the history window (at least 1)
   * @param delta the chance allowed that the history understates the true hazard
   * @param floorPerDeviceMinute the least null hazard, whatever the history says (a fleet's
   *     ordinary failure rate), so a short, crash-free history is not a zero baseline
   */
  public static HistoryRateTest against(
      long historyFailures,
      double historyDeviceMinutes,
      double delta,
      double floorPerDeviceMinute) {
    if (historyFailures < 0 || !(historyDeviceMinutes > 0) || !(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException(
          "history needs failures >= 0, device-minutes > 0 and 0 < delta < 1");
    }
    double upper = poissonUpperBound(historyFailures, delta) / historyDeviceMinutes;
    return new HistoryRateTest(Math.max(upper, floorPerDeviceMinute), 0, 0);
  }

  /** A test restored from its state. */
  public static HistoryRateTest restore(double nullHazard, long failures, double deviceMinutes) {
    return new HistoryRateTest(nullHazard, failures, deviceMinutes);
  }

  /**
   * Takes in one look: devices newly failed on the version, and the device-minutes at risk on it
   * since the last look (devices running it and not yet failed, times the minutes).
   */
  public void observe(long newFailures, double newDeviceMinutes) {
    if (newFailures < 0 || newDeviceMinutes < 0) {
      throw new IllegalArgumentException("failures and device-minutes cannot be negative");
    }
    failures += newFailures;
    deviceMinutes += newDeviceMinutes;
  }

  /** The null hazard, failures per device-minute: the history's upper bound (or the floor). */
  public double nullHazard() {
    return nullHazardPerDeviceMinute;
  }

  public long failures() {
    return failures;
  }

  public double deviceMinutes() {
    return deviceMinutes;
  }

  /** The natural log of the e-value. */
  public double logEValue() {
    double expected = nullHazardPerDeviceMinute * deviceMinutes;
    double[] ratios = SequentialRateTest.RATIOS;
    int from = SequentialRateTest.FIRST_ALTERNATIVE;
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[ratios.length - from];
    for (int j = from; j < ratios.length; j++) {
      double theta = ratios[j];
      terms[j - from] = failures * Math.log(theta) - (theta - 1) * expected;
      max = Math.max(max, terms[j - from]);
    }
    double sum = 0;
    for (double term : terms) {
      sum += Math.exp(term - max);
    }
    return max + Math.log(sum / terms.length);
  }

  /** True once the e-value has reached {@code 1/alpha}. */
  public boolean rejects(double alpha) {
    return logEValue() >= -Math.log(alpha);
  }

  /**
   * The anytime-valid confidence interval for the rate ratio (the version's hazard over the null
   * hazard) at level {@code 1 - alpha}: the grid ratios {@code theta_i} that the two-sided mixture
   * against {@code theta_i}, {@code mean_j (theta_j / theta_i)^x exp(-(theta_j - theta_i) lambda0
   * t)} over the whole grid, does not reject, widened by one grid step on each side, as {@link
   * SequentialRateTest#confidenceInterval}.
   */
  public SequentialRateTest.RatioInterval confidenceInterval(double alpha) {
    double[] ratios = SequentialRateTest.RATIOS;
    double expected = nullHazardPerDeviceMinute * deviceMinutes;
    double threshold = -Math.log(alpha);
    int lowest = -1;
    int highest = -1;
    int likeliest = 0;
    double best = Double.NEGATIVE_INFINITY;
    double[] logLikelihood = new double[ratios.length];
    for (int j = 0; j < ratios.length; j++) {
      logLikelihood[j] = failures * Math.log(ratios[j]) - ratios[j] * expected;
      if (logLikelihood[j] > best) {
        best = logLikelihood[j];
        likeliest = j;
      }
    }
    for (int i = 0; i < ratios.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double l : logLikelihood) {
        max = Math.max(max, l - logLikelihood[i]);
      }
      double sum = 0;
      for (double l : logLikelihood) {
        sum += Math.exp(l - logLikelihood[i] - max);
      }
      if (max + Math.log(sum / ratios.length) < threshold) {
        if (lowest < 0) {
          lowest = i;
        }
        highest = i;
      }
    }
    if (lowest < 0) {
      lowest = likeliest;
      highest = likeliest;
    }
    return new SequentialRateTest.RatioInterval(
        ratios[Math.max(0, lowest - 1)], ratios[Math.min(ratios.length - 1, highest + 1)]);
  }

  /** The observed hazard over the null hazard (0 before any exposure). */
  public double rateRatio() {
    return deviceMinutes == 0 ? 0 : failures / deviceMinutes / nullHazardPerDeviceMinute;
  }

  /**
   * The exact upper {@code 1 - delta} confidence bound of a Poisson mean from {@code k} events:
   * half the chi-square quantile with {@code 2k + 2} degrees of freedom (Garwood).
   */
  static double poissonUpperBound(long k, double delta) {
    return ChiSquaredDistribution.of(2.0 * k + 2).inverseSurvivalProbability(delta) / 2;
  }
}
