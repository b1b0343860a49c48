package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which registry exits are retried on a new port: the lines are copied from real registry logs. */
class LocalSchemaRegistryPortRaceTest {

  @Test
  void quarkusPortCheckIsAPortRace() {
    // A CI run's suite stopped here: Quarkus found the port taken and exited with status 1.
    String tail =
        "2026-12-02 05:43:12 ERROR <> [io.quarkus.runtime.ApplicationLifecycleManager] (main) Port"
            + " 38473 seems to be in use by another process. Quarkus may already be running or the"
            + " port is used by another application.";
    assertThat(LocalSchemaRegistry.lostPortRace(tail)).isTrue();
  }

  @Test
  void vertxBindFailureIsAPortRace() {
    assertThat(
            LocalSchemaRegistry.lostPortRace(
                "java.net.BindException: Address already in use\n\tat sun.nio.ch.Net.bind0"))
        .isTrue();
  }

  @Test
  void otherExitsAreNotRetried() {
    assertThat(
            LocalSchemaRegistry.lostPortRace(
                "ERROR [io.quarkus.runtime.Application] Failed to start application:"
                    + " java.lang.OutOfMemoryError: Java heap space"))
        .isFalse();
  }
}
