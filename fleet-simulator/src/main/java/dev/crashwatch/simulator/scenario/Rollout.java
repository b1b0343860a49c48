package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A new version of a component that reaches the rings of its waves in turn; within a wave the
 * ring's devices take it evenly spread over {@code spreadOver}, and only while online.
 *
 * @param waves in time order, at most one per ring
 * @param fault what the version does wrong, or {@code null} for a harmless version
 */
public record Rollout(
    String component, String version, List<Wave> waves, Duration spreadOver, Fault fault) {

  public Rollout {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(version, "version");
    waves = List.copyOf(waves);
    Objects.requireNonNull(spreadOver, "spreadOver");
  }

  public ComponentVersion target() {
    return new ComponentVersion(component, version);
  }

  public Optional<Fault> faultIfAny() {
    return Optional.ofNullable(fault);
  }

  public boolean isFaulty() {
    return fault != null;
  }

  public Optional<Wave> waveFor(String ring) {
    return waves.stream().filter(w -> w.ring().equals(ring)).findFirst();
  }
}
