package dev.crashwatch.processor.detect;

/**
 * What the anytime-valid evidence says of one version at one look: which test speaks for it, its
 * e-value, the thresholds of the levels, and a confidence interval for the rate ratio.
 *
 * @param test {@link #TWO_SAMPLE} while the version has a comparison group, {@link #HISTORY} while
 *     it runs on (nearly) every device of its component
 * @param logEValue the natural log of the test's e-value (0 before any evidence)
 * @param budget the false-alarm budget the thresholds come from
 * @param ratioLower lower end of the test's anytime-valid confidence interval for the rate ratio,
 *     at the level of its HALT share
 * @param ratioUpper upper end, likewise
 * @param rateRatio the history test's observed rate over its null rate; NaN for the two-sample
 *     test, whose point estimate is the window's
 */
public record SequentialVerdict(
    String test,
    double logEValue,
    FalseAlarmBudget budget,
    double ratioLower,
    double ratioUpper,
    double rateRatio) {

  public static final String TWO_SAMPLE = "two-sample e-process";
  public static final String HISTORY = "history e-process";

  /** The natural log of the e-value this test must reach at {@code level}. */
  public double logThreshold(DetectorAction level) {
    double alpha = HISTORY.equals(test) ? budget.history(level) : budget.twoSample(level);
    return -Math.log(alpha);
  }

  /** True once the e-value has reached {@code level}'s threshold. */
  public boolean reaches(DetectorAction level) {
    return logEValue >= logThreshold(level);
  }

  /** The e-value in decimal logarithm: what signals and snapshots show as their statistic. */
  public double log10EValue() {
    return logEValue / Math.log(10);
  }

  /** {@link #logThreshold} in decimal logarithm. */
  public double log10Threshold(DetectorAction level) {
    return logThreshold(level) / Math.log(10);
  }

  public boolean history() {
    return HISTORY.equals(test);
  }
}
