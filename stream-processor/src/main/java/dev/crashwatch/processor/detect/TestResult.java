package dev.crashwatch.processor.detect;

/**
 * The outcome of the spike test of one version against its baseline.
 *
 * @param failedDevices crashed plus silent devices, the observed count k
 * @param exposedDevices the exposed devices n
 * @param rate k / n
 * @param baselineRate the smoothed baseline rate the test used (never below the floor)
 * @param baselineKind the comparison group, {@code rest-of-fleet} or {@code previous-version}
 * @param rateRatio rate / baselineRate
 * @param pValue one-sided exact binomial {@code P(X >= k | n, baselineRate)}; may underflow to 0
 * @param logPValue its natural logarithm, finite far beyond where pValue underflows
 * @param z the score z of the difference: {@code (k - n p0) / sqrt(n p0 (1 - p0))}
 * @param passes whether the WATCH level passed (the version is elevated at all)
 * @param failedGate the first WATCH gate that failed, {@link Gate#NONE} when it passes
 * @param level the highest level whose gates all pass, {@link DetectorAction#NONE} when none
 * @param sequential the anytime-valid evidence the level was decided on; null for a fixed-window
 *     test (blame's restricted tests, sensor health), whose level comes from {@code pValue}
 */
public record TestResult(
    long failedDevices,
    long exposedDevices,
    double rate,
    double baselineRate,
    String baselineKind,
    double rateRatio,
    double pValue,
    double logPValue,
    double z,
    boolean passes,
    Gate failedGate,
    DetectorAction level,
    SequentialVerdict sequential) {

  /**
   * The evidence in words, for a signal's reason: the e-value and its threshold, or the p-value.
   */
  public String evidence() {
    if (sequential == null) {
      return String.format(java.util.Locale.ROOT, "p=%.3g", pValue);
    }
    DetectorAction at = level.isActive() ? level : DetectorAction.HALT;
    return String.format(
        java.util.Locale.ROOT,
        "%s e=10^%.1f against 10^%.1f for %s, rate ratio %.3g to %.3g",
        sequential.test(),
        sequential.log10EValue(),
        sequential.log10Threshold(at),
        at,
        sequential.ratioLower(),
        sequential.ratioUpper());
  }
}
