package dev.crashwatch.simulator.scenario;

import dev.crashwatch.events.SensorHealth;
import java.time.Duration;
import java.util.Objects;

/**
 * A share of one tenant's devices report their sensor {@code health} (TAMPERED or DEGRADED) in
 * every heartbeat from {@code at} on: an attacker disabling sensors across a site, or a broken
 * update of a sensor's self-protection. Not a crash: it must raise a SOC alert, never a rollback
 * signal.
 *
 * @param tenant 0-based, below {@code fleet.tenants}
 */
public record SensorTampering(int tenant, Duration at, double share, SensorHealth health)
    implements Incident {

  public static final String KIND = "sensorTampering";

  public SensorTampering {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(health, "health");
  }

  @Override
  public String kind() {
    return KIND;
  }
}
