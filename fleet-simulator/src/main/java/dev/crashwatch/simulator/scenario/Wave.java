package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/** One ring's turn in a rollout, starting {@code at} after the scenario's start. */
public record Wave(String ring, Duration at) {

  public Wave {
    Objects.requireNonNull(ring, "ring");
    Objects.requireNonNull(at, "at");
  }
}
