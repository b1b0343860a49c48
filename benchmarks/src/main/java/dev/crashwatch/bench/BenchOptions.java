package dev.crashwatch.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every benchmark takes. */
final class BenchOptions {

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Measured runs; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--dir",
      defaultValue = ".crashwatch/bench",
      description =
          "Where the embedded stack, state and recordings go (default: ${DEFAULT-VALUE}).")
  Path dir;
}
