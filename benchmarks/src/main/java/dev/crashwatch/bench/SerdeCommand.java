package dev.crashwatch.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench serde}: see {@link SerdeComparison}. */
@Command(
    name = "serde",
    mixinStandardHelpOptions = true,
    description = "The serde against plain Avro binary encoding of the same records (JMH).")
final class SerdeCommand implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Option(
      names = "--iterations",
      defaultValue = "5",
      description = "Measured one-second iterations per fork (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Override
  public Integer call() throws Exception {
    new SerdeComparison(System.out, common.dir.resolve("serde")).run(common.runs, 3, iterations);
    return 0;
  }
}
