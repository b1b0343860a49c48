package dev.crashwatch.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./crashwatch bench}: benchmarks that print figures. Each prints the machine it ran on, the
 * median of several runs and its ratio to a ceiling (or a target) measured in the same run; {@code
 * bench all} runs every one. Nothing here is a test: {@code ./mvnw verify} only compiles it and
 * runs a short smoke test of the harnesses.
 */
@Command(
    name = "crashwatch bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures against ceilings measured in the same run.",
    subcommands = {
      AllBenchmarks.class,
      ProcessorThroughputCommand.class,
      SerdeCommand.class,
      EmitterFootprintCommand.class,
      LiveLatencyCommand.class,
      DetectorCostCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Bench {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }
}
