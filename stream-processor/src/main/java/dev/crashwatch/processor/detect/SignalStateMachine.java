package dev.crashwatch.processor.detect;

import java.util.Optional;

/**
 * The signal of one component version over time: NONE → WATCH → HALT → ROLLBACK → RESOLVED, with
 * hysteresis. A pure function of the stored {@link SignalState} and one evaluation.
 *
 * <ul>
 *   <li>Escalate when the evaluated level is above the current state for {@code escalateAfter}
 *       consecutive evaluations; the state goes straight to the lowest level seen in that streak
 *       (NONE → ROLLBACK in one step for a clear spike: early matters).
 *   <li>Never de-escalate: an evaluation at or below the current level (but at least WATCH) holds
 *       the state. HALT and ROLLBACK never step back to WATCH.
 *   <li>Resolve only after {@code resolveAfter} consecutive evaluations that fail even WATCH, or at
 *       once when no device has run the version within the window. A pass in between restarts the
 *       count, so alternating pass/fail never flaps.
 *   <li>After RESOLVED (or from NONE) a passing evaluation starts a new episode; the episode
 *       counter increments.
 *   <li>A {@link Transition} is emitted only when the state changes, never once per evaluation.
 * </ul>
 */
public final class SignalStateMachine {

  /** The next state to store, and the change to publish if there is one. */
  public record Step(SignalState state, Optional<Transition> transition) {}

  private final DetectorThresholds thresholds;

  public SignalStateMachine(DetectorThresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * One evaluation.
   *
   * @param state the stored state ({@link SignalState#INITIAL} for a version never seen)
   * @param level the highest level the version passed now, after blame (a candidate explained by
   *     another is NONE): NONE, WATCH, HALT or ROLLBACK
   * @param exposedDevices devices running the version now
   */
  public Step step(
      SignalState state,
      String component,
      String version,
      DetectorAction level,
      long exposedDevices) {
    if (level == DetectorAction.RESOLVED) {
      throw new IllegalArgumentException("an evaluation yields NONE, WATCH, HALT or ROLLBACK");
    }
    DetectorAction current = state.action();
    if (exposedDevices == 0) {
      level = DetectorAction.NONE;
      if (current.isActive()) {
        return change(state, component, version, DetectorAction.RESOLVED, state.episode());
      }
    }
    if (level.severity() > current.severity()) {
      int streak = state.escalateStreak() + 1;
      DetectorAction pending =
          streak == 1 || level.severity() < state.pendingLevel().severity()
              ? level
              : state.pendingLevel();
      if (streak >= thresholds.escalateAfter()) {
        int episode = current.isActive() ? state.episode() : state.episode() + 1;
        return change(state, component, version, pending, episode);
      }
      return new Step(
          new SignalState(current, state.episode(), streak, pending, 0), Optional.empty());
    }
    if (current.isActive()) {
      int failStreak = level == DetectorAction.NONE ? state.failStreak() + 1 : 0;
      if (failStreak >= thresholds.resolveAfter()) {
        return change(state, component, version, DetectorAction.RESOLVED, state.episode());
      }
      return new Step(
          new SignalState(current, state.episode(), 0, DetectorAction.NONE, failStreak),
          Optional.empty());
    }
    return new Step(state.settled(current, state.episode()), Optional.empty());
  }

  private static Step change(
      SignalState state, String component, String version, DetectorAction next, int episode) {
    DetectorAction previous = state.action().isActive() ? state.action() : null;
    Transition t =
        new Transition(
            Transition.signalId(component, version, episode, next),
            component,
            version,
            next,
            previous,
            episode);
    return new Step(state.settled(next, episode), Optional.of(t));
  }
}
