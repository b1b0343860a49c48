package dev.crashwatch.processor.detect;

import java.util.function.Supplier;

/**
 * The anytime-valid evidence against one version, accumulated look by look: its two-sample
 * e-process ({@link SequentialRateTest}) while it has a comparison group, its history e-process
 * ({@link HistoryRateTest}) from the first look at which it has none, and its own failures and
 * device-minutes at risk, which become the history of a sibling version that is later pushed to the
 * whole component.
 */
public final class SequentialEvidence {

  /**
   * A version whose comparison group has fewer than 1/ALONE_RATIO of its devices at risk is tested
   * against history: a handful of stragglers is no comparison group.
   */
  public static final long ALONE_RATIO = 100;

  private final SequentialRateTest twoSample;
  private HistoryRateTest history;
  private long failures;
  private double deviceMinutes;

  public SequentialEvidence(
      SequentialRateTest twoSample, HistoryRateTest history, long failures, double deviceMinutes) {
    this.twoSample = twoSample;
    this.history = history;
    this.failures = failures;
    this.deviceMinutes = deviceMinutes;
  }

  /** Evidence of a version never looked at. */
  public static SequentialEvidence none() {
    return new SequentialEvidence(new SequentialRateTest(), null, 0, 0);
  }

  /**
   * True when the comparison group at risk is too small to compare with (see {@link #ALONE_RATIO}).
   */
  public static boolean alone(long versionAtRisk, long comparisonAtRisk) {
    return comparisonAtRisk == 0 || comparisonAtRisk * ALONE_RATIO < versionAtRisk;
  }

  /**
   * Takes in one look.
   *
   * @param newFailures devices newly failed on the version since the last look
   * @param comparisonFailures devices newly failed on its sibling versions since the last look
   * @param atRisk devices running the version now and not failed within the window
   * @param comparisonAtRisk the same for its sibling versions
   * @param minutes minutes of exposure this look stands for: since the last look, or at the first
   *     look the part of the window the version has existed
   * @param historyOfOthers failures and device-minutes of the sibling versions so far, the history
   *     a version pushed to the whole component is compared with; asked for only then
   * @param budget where the history's bound gets its share
   * @param floorPerDeviceMinute the least null hazard of the history test
   */
  public void observe(
      long newFailures,
      long comparisonFailures,
      long atRisk,
      long comparisonAtRisk,
      double minutes,
      Supplier<double[]> historyOfOthers,
      FalseAlarmBudget budget,
      double floorPerDeviceMinute) {
    double exposure = atRisk * minutes;
    if (alone(atRisk, comparisonAtRisk)) {
      if (atRisk > 0) {
        if (history == null) {
          double[] h = historyOfOthers.get();
          // No sibling ever seen at risk: nothing changed that could be compared with a before (a
          // component with one version from the start), and a fleet-wide crash wave of another
          // cause would look like a fault of its own. Such a version is not tested until it is.
          if (h[1] > 0) {
            history =
                HistoryRateTest.against(
                    (long) h[0], h[1], budget.historyBound(), floorPerDeviceMinute);
          }
        }
        if (history != null) {
          history.observe(newFailures, exposure);
        }
      }
    } else {
      twoSample.observe(
          newFailures, comparisonFailures, (double) atRisk / (atRisk + comparisonAtRisk));
    }
    failures += newFailures;
    deviceMinutes += exposure;
  }

  /**
   * The verdict: the test of the regime the version is in now, or, if the other regime's evidence
   * is the stronger (a version halted as a canary, since pushed everywhere), that one.
   */
  public SequentialVerdict verdict(boolean aloneNow, FalseAlarmBudget budget) {
    SequentialRateTest.RatioInterval ci =
        twoSample.confidenceInterval(budget.twoSample(DetectorAction.HALT));
    SequentialVerdict two =
        new SequentialVerdict(
            SequentialVerdict.TWO_SAMPLE,
            twoSample.logEValue(),
            budget,
            ci.lower(),
            ci.upper(),
            Double.NaN);
    if (history == null) {
      return two;
    }
    SequentialRateTest.RatioInterval hci =
        history.confidenceInterval(budget.history(DetectorAction.HALT));
    SequentialVerdict hist =
        new SequentialVerdict(
            SequentialVerdict.HISTORY,
            history.logEValue(),
            budget,
            hci.lower(),
            hci.upper(),
            history.rateRatio());
    double twoMargin = two.logEValue() - two.logThreshold(DetectorAction.HALT);
    double histMargin = hist.logEValue() - hist.logThreshold(DetectorAction.HALT);
    if (aloneNow) {
      return twoMargin > histMargin && twoMargin >= 0 ? two : hist;
    }
    return histMargin > twoMargin && histMargin >= 0 ? hist : two;
  }

  public SequentialRateTest twoSample() {
    return twoSample;
  }

  /** The history test, or null while the version has never been alone. */
  public HistoryRateTest history() {
    return history;
  }

  public long failures() {
    return failures;
  }

  public double deviceMinutes() {
    return deviceMinutes;
  }
}
