package dev.crashwatch.simulator.scenario;

/**
 * How severe a signal is, least severe first; an expectation names the least severe action that
 * counts, so a ROLLBACK satisfies a HALT expectation.
 */
public enum Action {
  WATCH,
  HALT,
  ROLLBACK;

  /** Whether this action is at least as severe as {@code other}. */
  public boolean atLeast(Action other) {
    return compareTo(other) >= 0;
  }
}
