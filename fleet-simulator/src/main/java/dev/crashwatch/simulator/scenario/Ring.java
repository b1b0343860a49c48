package dev.crashwatch.simulator.scenario;

import java.util.Objects;

/** A rollout ring: a named share of the fleet. */
public record Ring(String name, double share) {

  public Ring {
    Objects.requireNonNull(name, "name");
  }
}
