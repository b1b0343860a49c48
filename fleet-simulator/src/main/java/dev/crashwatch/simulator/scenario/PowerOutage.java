package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * A share of one tenant's devices lose power at {@code at}, without a bugcheck, and boot again once
 * power returns, their previous shutdown marked unexpected.
 *
 * @param tenant 0-based, below {@code fleet.tenants}
 * @param duration until power returns; JSON {@code for}, an optional extension of the format
 *     (devices need some time before they boot again)
 */
public record PowerOutage(int tenant, Duration at, double share, Duration duration)
    implements Incident {

  public static final String KIND = "powerOutage";

  public PowerOutage {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String kind() {
    return KIND;
  }

  public Duration end() {
    return at.plus(duration);
  }
}
