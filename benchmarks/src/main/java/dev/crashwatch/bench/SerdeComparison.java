package dev.crashwatch.bench;

import dev.crashwatch.localstack.LocalStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link SerdeRoundTrip} under JMH against a real registry (the embedded one) and prints, for
 * serialize and deserialize, the serde's median throughput beside plain Avro's and the time ratio
 * (plain Avro's throughput over the serde's: how many times longer the serde takes per record).
 */
final class SerdeComparison {

  static final double TARGET_RATIO = 1.3;

  record Result(double serializeRatio, double deserializeRatio) {}

  private final PrintStream out;
  private final Path dir;

  SerdeComparison(PrintStream out, Path dir) {
    this.out = out;
    this.dir = dir;
  }

  Result run(int forks, int warmupSeconds, int measureSeconds) throws Exception {
    out.println(Machine.describe());
    try (LocalStack stack = LocalStack.start(dir.resolve("stack"))) {
      Options options =
          new OptionsBuilder()
              .include(SerdeRoundTrip.class.getName() + "\\.")
              .param("registryUrl", stack.schemaRegistryUrl())
              .forks(forks)
              .warmupIterations(warmupSeconds)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(measureSeconds)
              .measurementTime(TimeValue.seconds(1))
              .threads(1)
              .verbosity(VerboseMode.SILENT)
              .shouldFailOnError(true)
              .build();
      out.printf(
          "serde (JMH, %d fork(s), %d s warm-up and %d one-second iterations each, one thread)...%n",
          forks, warmupSeconds, measureSeconds);
      Collection<RunResult> results = new Runner(options).run();
      Map<String, Double> medians = new HashMap<>();
      for (RunResult r : results) {
        String name = r.getParams().getBenchmark();
        medians.put(
            name.substring(name.lastIndexOf('.') + 1),
            r.getAggregatedResult().getPrimaryResult().getStatistics().getPercentile(50));
      }
      double ser =
          line("serialize", medians.get("serdeSerialize"), medians.get("plainAvroSerialize"));
      double de =
          line("deserialize", medians.get("serdeDeserialize"), medians.get("plainAvroDeserialize"));
      return new Result(ser, de);
    }
  }

  private double line(String what, double serde, double plain) {
    double ratio = plain / serde;
    out.printf(
        "  %-11s serde %,.0f records/s, plain Avro %,.0f records/s: the serde takes %.2fx plain"
            + " Avro's time (target <= %.1f: %s)%n",
        what, serde, plain, ratio, TARGET_RATIO, Figures.atMost(ratio, TARGET_RATIO));
    return ratio;
  }
}
