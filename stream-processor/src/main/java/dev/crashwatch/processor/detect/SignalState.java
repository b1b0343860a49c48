package dev.crashwatch.processor.detect;

/**
 * The stored state of one component version's signal, small enough for a state store: the caller
 * keeps it by component@version and hands it back to {@link SignalStateMachine#step} at each
 * evaluation.
 *
 * @param action current state: NONE (never signalled), WATCH, HALT, ROLLBACK or RESOLVED
 * @param episode the current (or last) episode, 0 before the first
 * @param escalateStreak consecutive evaluations at a level above {@code action}
 * @param pendingLevel the lowest level seen during that streak (where an escalation would go)
 * @param failStreak consecutive evaluations, while active, that failed even WATCH
 */
public record SignalState(
    DetectorAction action,
    int episode,
    int escalateStreak,
    DetectorAction pendingLevel,
    int failStreak) {

  /** Never signalled. */
  public static final SignalState INITIAL =
      new SignalState(DetectorAction.NONE, 0, 0, DetectorAction.NONE, 0);

  /** The same state with both streaks cleared. */
  SignalState settled(DetectorAction newAction, int newEpisode) {
    return new SignalState(newAction, newEpisode, 0, DetectorAction.NONE, 0);
  }
}
