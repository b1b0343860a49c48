package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * One tenant's devices deliver nothing from {@code at} for {@code duration} (JSON {@code for}),
 * then deliver what they spooled.
 *
 * @param tenant 0-based, below {@code fleet.tenants}
 */
public record NetworkOutage(int tenant, Duration at, Duration duration) implements Incident {

  public static final String KIND = "networkOutage";

  public NetworkOutage {
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
