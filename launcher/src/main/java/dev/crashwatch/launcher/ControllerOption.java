package dev.crashwatch.launcher;

import dev.crashwatch.simulator.scenario.Scenario;
import picocli.CommandLine.Option;

/** {@code --controller on|off}, shared by the commands that run scenario files (a mixin). */
final class ControllerOption {

  enum Mode {
    ON,
    OFF
  }

  @Option(
      names = "--controller",
      paramLabel = "on|off",
      description =
          "Play the rollout controller (halt waves on HALT, roll back on ROLLBACK) or not,"
              + " whatever the file's \"controller\" says; to compare the two (default: as the"
              + " file says).")
  Mode mode;

  /** Whether to play the controller for {@code scenario}. */
  boolean play(Scenario scenario) {
    return mode == null ? scenario.controller() : mode == Mode.ON;
  }
}
