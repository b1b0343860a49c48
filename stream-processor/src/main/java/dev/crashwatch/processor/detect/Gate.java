package dev.crashwatch.processor.detect;

/** The gate of the spike test that a version failed first, in the order they are checked. */
public enum Gate {
  /** Passed every gate. */
  NONE,
  /** No device runs the version: nothing to test. */
  NO_EXPOSURE,
  /** Fewer distinct failing devices than the level's minimum. */
  MIN_DEVICES,
  /**
   * Blame's stratified tests only: no device of the comparison group is in the stratum, so the
   * stratum cannot show an excess of the version's own.
   */
  NO_COMPARISON,
  /** The rate is not enough times the baseline rate. */
  RATE_RATIO,
  /** The fixed-window test's p-value is not below the level's maximum (blame's tests only). */
  P_VALUE,
  /** The anytime-valid e-value has not reached the level's threshold. */
  E_VALUE,
  /** ROLLBACK only: the window's top faulting module is not the component's own. */
  MODULE
}
