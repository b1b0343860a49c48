package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * A signal the pipeline must raise: at least {@code action} for the version, {@code within} the
 * time after its first faulty crash, and before ring {@code before} starts its wave.
 *
 * @param before a ring of the version's rollout, or {@code null} for no such limit
 */
public record MustSignal(
    String component, String version, Action action, Duration within, String before) {

  public MustSignal {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(within, "within");
  }

  public ComponentVersion target() {
    return new ComponentVersion(component, version);
  }
}
