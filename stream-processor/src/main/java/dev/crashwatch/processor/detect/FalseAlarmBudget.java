package dev.crashwatch.processor.detect;

/**
 * The detector's false-alarm budget, and the rule by which it is shared.
 *
 * <p><b>Per version.</b> {@code perVersion} is the largest chance that a benign version (one whose
 * devices fail no more often than its comparison group's, or than the same devices did before it)
 * is ever halted, over its whole life, however often it is looked at: the default 1e-3 is at most
 * one false HALT in 1,000 benign rollouts. With {@code V} benign versions in a period, the expected
 * number of false HALTs is at most {@code V * perVersion}; the budget is per version, not per
 * component or per fleet, because every version is a decision of its own (a rollout to halt), and a
 * per-fleet budget would make one version's power depend on how many others happen to roll out.
 *
 * <p><b>Per level.</b> HALT gets the budget; ROLLBACK, which undoes a release, a tenth of it (and
 * module evidence besides, see {@link SpikeTest}); WATCH, which nobody acts on, ten times it. Since
 * a version reaches ROLLBACK only through HALT's test at a stricter level, the levels are nested,
 * and the budgets do not add up.
 *
 * <p><b>Per test.</b> A version is tested by the two-sample test ({@link SequentialRateTest}) while
 * it has a comparison group, and by the history test ({@link HistoryRateTest}) while it runs on
 * (nearly) every device of its component. A version may be in both regimes in its life (a canary
 * first, then pushed everywhere), so a level's share is split: half to the two-sample e-process, a
 * quarter to the history e-process, and a quarter (at the ROLLBACK level, so one bound serves every
 * level) to the chance that the history's upper confidence bound understates the devices' true
 * rate. A false alarm at a level needs one of the three, so its chance is at most their sum, the
 * level's share.
 *
 * <p>The minimum evidence rules (a handful of distinct failing devices in the window, a rate at
 * least {@code minRateRatio} times the comparison's) and blame only ever remove alarms, so they
 * never spend budget.
 */
public record FalseAlarmBudget(double perVersion) {

  /** WATCH is ten times looser than HALT. */
  static final double WATCH_FACTOR = 10;

  /** ROLLBACK is ten times stricter than HALT. */
  static final double ROLLBACK_FACTOR = 0.1;

  public FalseAlarmBudget {
    if (!(perVersion > 0 && perVersion * WATCH_FACTOR < 1)) {
      throw new IllegalArgumentException(
          "the false-alarm budget must be above 0 and below " + 1 / WATCH_FACTOR);
    }
  }

  /** The chance allowed of a false alarm at {@code level} over a benign version's life. */
  public double of(DetectorAction level) {
    return switch (level) {
      case WATCH -> perVersion * WATCH_FACTOR;
      case HALT -> perVersion;
      case ROLLBACK -> perVersion * ROLLBACK_FACTOR;
      case NONE, RESOLVED -> 1;
    };
  }

  /** The two-sample test's level at {@code level}: half the level's share. */
  public double twoSample(DetectorAction level) {
    return of(level) / 2;
  }

  /** The history test's level at {@code level}: a quarter of the level's share. */
  public double history(DetectorAction level) {
    return of(level) / 4;
  }

  /**
   * The chance allowed that the history's bound understates the true rate: a quarter of ROLLBACK's.
   */
  public double historyBound() {
    return of(DetectorAction.ROLLBACK) / 4;
  }
}
