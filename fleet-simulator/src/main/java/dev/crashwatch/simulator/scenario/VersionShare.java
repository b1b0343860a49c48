package dev.crashwatch.simulator.scenario;

import java.util.Objects;

/** A version of a component that a share of the fleet runs when the scenario starts. */
public record VersionShare(String version, double share) {

  public VersionShare {
    Objects.requireNonNull(version, "version");
  }
}
