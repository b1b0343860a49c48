package dev.crashwatch.processor.detect;

import dev.crashwatch.events.SignalAction;

/**
 * The detector's verdict on one component version, in order of severity. {@link #NONE} is "no
 * signal" (never published); {@link #RESOLVED} ends an episode. The spike test yields one of NONE,
 * WATCH, HALT or ROLLBACK (the highest level whose gates pass).
 */
public enum DetectorAction {
  NONE,
  WATCH,
  HALT,
  ROLLBACK,
  RESOLVED;

  /** True for WATCH, HALT and ROLLBACK: an episode is open. */
  public boolean isActive() {
    return this == WATCH || this == HALT || this == ROLLBACK;
  }

  /** Severity for escalation: NONE and RESOLVED are 0, WATCH 1, HALT 2, ROLLBACK 3. */
  public int severity() {
    return switch (this) {
      case NONE, RESOLVED -> 0;
      case WATCH -> 1;
      case HALT -> 2;
      case ROLLBACK -> 3;
    };
  }

  /** The published form; NONE has none. */
  public SignalAction toSignalAction() {
    if (this == NONE) {
      throw new IllegalStateException("NONE is not a published signal action");
    }
    return SignalAction.valueOf(name());
  }
}
