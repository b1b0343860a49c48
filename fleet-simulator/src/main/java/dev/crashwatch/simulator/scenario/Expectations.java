package dev.crashwatch.simulator.scenario;

import java.util.List;

/**
 * What the run is judged by.
 *
 * @param may versions that may be signalled without counting as a false alarm
 * @param noOthers whether any other HALT or ROLLBACK is a false alarm
 */
public record Expectations(List<MustSignal> must, List<ComponentVersion> may, boolean noOthers) {

  /** Nothing must be signalled, and any HALT or ROLLBACK is a false alarm. */
  public static final Expectations NONE = new Expectations(List.of(), List.of(), true);

  public Expectations {
    must = List.copyOf(must);
    may = List.copyOf(may);
  }

  /**
   * Whether a signal for {@code target} with {@code action} is a false alarm: neither required nor
   * allowed, and HALT or worse while {@code noOthers} holds.
   */
  public boolean isFalseAlarm(ComponentVersion target, Action action) {
    if (!noOthers || !action.atLeast(Action.HALT)) {
      return false;
    }
    return !isRequired(target) && !may.contains(target);
  }

  /** Whether {@code target} is one the run must signal. */
  public boolean isRequired(ComponentVersion target) {
    return must.stream().anyMatch(m -> m.target().equals(target));
  }
}
