package dev.crashwatch.simulator.scenario;

import java.util.Objects;

/**
 * One version of one component: the unit that signals blame. {@link #toString()} is {@code
 * component@version}, the key of the rollback-signal topic.
 */
public record ComponentVersion(String component, String version) {

  public ComponentVersion {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public String toString() {
    return component + "@" + version;
  }
}
