package dev.crashwatch.processor.detect;

/**
 * Every threshold of the detector's decision core. {@link #DEFAULTS} holds the documented defaults;
 * the per-level figures must get stricter from WATCH to ROLLBACK.
 *
 * <p>The levels are decided by anytime-valid tests whose false-alarm budget is {@code
 * falseAlarmBudget} per version (see {@link FalseAlarmBudget} for how it is shared across levels
 * and tests). The p-value levels are those of the fixed-window exact binomial test that blame uses
 * to explain a version away by another (see {@link BlameResolver}) and that sensor-health alerts
 * use; they raise no rollback signal of their own except through blame, which needs a version
 * blamed by the anytime-valid test first. The device minimums keep a single crash-looping or
 * unlucky device (or two) from ever halting a rollout, however tiny the baseline: p-values alone
 * over-react when the expected count is far below 1. The rate ratio makes the test about effect
 * size too: with a million devices a 10% rise is "significant" but not a bad release. ROLLBACK also
 * needs the window's top faulting module to be the component's own (evidence that this component is
 * the cause); no rate ratio stands in for it, because a version that merely shares devices with the
 * cause can show any ratio.
 *
 * @param falseAlarmBudget the chance of a false HALT over a benign version's life (default 1e-3: at
 *     most one false HALT in 1,000 benign rollouts)
 * @param watchMaxPValue the fixed-window test passes WATCH when p is below this (default 1e-3)
 * @param watchMinDevices WATCH needs at least this many distinct failing devices (default 3)
 * @param haltMaxPValue the fixed-window test passes HALT when p is below this (default 1e-6)
 * @param haltMinDevices HALT needs at least this many failing devices (default 5)
 * @param rollbackMaxPValue the fixed-window test passes ROLLBACK when p is below this (default
 *     1e-9)
 * @param rollbackMinDevices ROLLBACK needs at least this many failing devices (default 10)
 * @param minRateRatio every level needs the version's rate to be at least this multiple of the
 *     baseline rate (default 3.0)
 * @param baselineRateFloor the lowest baseline failure rate per device over the detection window
 *     (default 1e-4: about one hour of an ordinary fleet's 0.002 crashes per device-day, rounded
 *     up); keeps an empty or crash-free comparison group from making one crash an alarm. It is also
 *     the baseline rate when there is no comparison group at all (see {@link
 *     SpikeTest#baselineRate})
 * @param escalateAfter consecutive evaluations at a higher level before escalating (default 1:
 *     early matters, the levels themselves are strict)
 * @param resolveAfter consecutive evaluations failing even WATCH before resolving (default 3)
 */
public record DetectorThresholds(
    double falseAlarmBudget,
    double watchMaxPValue,
    int watchMinDevices,
    double haltMaxPValue,
    int haltMinDevices,
    double rollbackMaxPValue,
    int rollbackMinDevices,
    double minRateRatio,
    double baselineRateFloor,
    int escalateAfter,
    int resolveAfter) {

  public static final DetectorThresholds DEFAULTS =
      new DetectorThresholds(1e-3, 1e-3, 3, 1e-6, 5, 1e-9, 10, 3.0, 1e-4, 1, 3);

  public DetectorThresholds {
    new FalseAlarmBudget(falseAlarmBudget); // validates it
    if (!(0 < rollbackMaxPValue
        && rollbackMaxPValue <= haltMaxPValue
        && haltMaxPValue <= watchMaxPValue
        && watchMaxPValue < 1)) {
      throw new IllegalArgumentException(
          "p-value levels must satisfy 0 < rollback <= halt <= watch < 1");
    }
    if (!(1 <= watchMinDevices
        && watchMinDevices <= haltMinDevices
        && haltMinDevices <= rollbackMinDevices)) {
      throw new IllegalArgumentException(
          "device minimums must satisfy 1 <= watch <= halt <= rollback");
    }
    if (!(minRateRatio >= 1)) {
      throw new IllegalArgumentException("minRateRatio must be at least 1");
    }
    if (!(baselineRateFloor > 0 && baselineRateFloor < 1)) {
      throw new IllegalArgumentException("baselineRateFloor must be in (0, 1)");
    }
    if (escalateAfter < 1 || resolveAfter < 1) {
      throw new IllegalArgumentException("escalateAfter and resolveAfter must be at least 1");
    }
  }

  /** The false-alarm budget, with its shares. */
  public FalseAlarmBudget budget() {
    return new FalseAlarmBudget(falseAlarmBudget);
  }
}
