package dev.crashwatch.simulator.scenario;

/** Where a component runs; written {@code kernel} or {@code user} in a scenario. */
public enum ComponentMode {
  KERNEL("kernel"),
  USER("user");

  private final String jsonName;

  ComponentMode(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The spelling in scenario files (and in heartbeats). */
  public String jsonName() {
    return jsonName;
  }
}
