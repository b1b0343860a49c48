package dev.crashwatch.launcher;

import picocli.CommandLine.Option;

/** {@code --speed}, shared by the commands that replay a scenario (a picocli mixin). */
final class SpeedOption {

  @Option(
      names = "--speed",
      paramLabel = "FACTOR",
      description =
          "Pace simulated time at FACTOR times real time (1 for a live demo); default: as fast as"
              + " the pipeline takes it.")
  Double speed;

  /** The factor, or 0 for as fast as the pipeline takes it. */
  double factor() {
    return speed == null ? 0 : speed;
  }
}
