package dev.crashwatch.localstack;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Starts and stops the stack N times (default 3) and prints the broker's and the registry's
 * cold-start times. The registry is a fresh JVM every run; the broker shares this JVM, so only its
 * first run pays for class loading and JIT warm-up.
 *
 * <p>Run from {@code local-stack/}: {@code java -cp target/test-classes:target/classes:$(cat
 * target/cp.txt) dev.crashwatch.localstack.LocalStackColdStartBenchmark 3} after {@code mvn
 * test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt}.
 */
public final class LocalStackColdStartBenchmark {

  private LocalStackColdStartBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional number of runs
   */
  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    long[] kafka = new long[runs];
    long[] registry = new long[runs];
    long[] stop = new long[runs];
    for (int i = 0; i < runs; i++) {
      Path dir = Path.of("target", "local-stack-bench-" + i);
      long t0 = System.nanoTime();
      LocalStack stack = LocalStack.start(dir);
      long ready = (System.nanoTime() - t0) / 1_000_000;
      kafka[i] = stack.kafkaStartMillis();
      registry[i] = stack.registryStartMillis();
      long t1 = System.nanoTime();
      stack.close();
      stop[i] = (System.nanoTime() - t1) / 1_000_000;
      System.out.printf(
          "run %d: kafka %5d ms, registry %5d ms, both ready %5d ms, close %5d ms%n",
          i + 1, kafka[i], registry[i], ready, stop[i]);
    }
    System.out.printf(
        "median of %d: kafka %d ms, registry %d ms, close %d ms%n",
        runs, median(kafka), median(registry), median(stop));
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
