package dev.crashwatch.observability;

/** A liveness or readiness check; an exception it throws counts as down, with its message. */
@FunctionalInterface
public interface HealthCheck {

  /** Always up: for a process that is alive as long as it answers at all. */
  HealthCheck ALWAYS_UP = () -> Health.up("running");

  Health check() throws Exception;
}
