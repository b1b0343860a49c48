package dev.crashwatch.launcher;

import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The throughput cost of TLS + SASL/SCRAM + ACLs: the same scenario through the whole pipeline
 * (simulated fleet, broker, registry, processor, lock-step), on the plaintext embedded stack and on
 * the secured one, in the same JVM, alternating, and prints events per second of both and their
 * ratio. Not a test: figures depend on the machine and its load.
 *
 * <p>Arguments: scenario file (default ../scenarios/faulty-driver-rollout.json), devices (default
 * 10000), rounds (default 2; each round runs plaintext then secured).
 */
public final class SecurityCostBenchmark {

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "../scenarios/faulty-driver-rollout.json");
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Scenario scenario = ScenarioLoader.load(file).withDevices(devices);
    PrintStream quiet =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    Path dir = Files.createTempDirectory("crashwatch-security-cost");
    double[] plain = new double[rounds];
    double[] secured = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      plain[round] = eventsPerSecond(scenario, false, dir.resolve("plain-" + round), quiet);
      secured[round] = eventsPerSecond(scenario, true, dir.resolve("secured-" + round), quiet);
      System.out.printf(
          "round %d: plaintext %,.0f events/s, TLS+SASL %,.0f events/s (ratio %.2f)%n",
          round + 1, plain[round], secured[round], secured[round] / plain[round]);
    }
    double p = median(plain);
    double s = median(secured);
    System.out.printf(
        "%s, %,d devices, controller off, %d rounds: plaintext %,.0f events/s, TLS+SASL/SCRAM+ACLs"
            + " %,.0f events/s (medians), ratio %.2f%n",
        scenario.name(), devices, rounds, p, s, s / p);
  }

  private static double eventsPerSecond(
      Scenario scenario, boolean secured, Path dir, PrintStream out) throws Exception {
    try (PipelineSession pipeline =
        new PipelineSession(
            PipelineTarget.embedded(secured), dir, 3, ScenarioRun.vendorsOf(scenario), out)) {
      SimulationResult result = pipeline.replay(scenario, false, 0);
      return result.events() / (result.wallTime().toMillis() / 1e3);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
