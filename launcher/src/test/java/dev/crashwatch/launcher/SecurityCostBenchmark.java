package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The throughput cost of TLS + SASL/SCRAM + ACLs, on the plaintext embedded stack and on the
 * secured one, in the same JVM, alternating, with two figures each: ingest (the simulated fleet
 * free-running into the broker as fast as it takes it: generate, Avro, produce) and the whole
 * pipeline (the same scenario in lock-step with the processor, as {@code simulate} runs it). Prints
 * events per second of both modes and their ratio. Not a test: figures depend on the machine and
 * its load.
 *
 * <p>Arguments: scenario file (default ../scenarios/faulty-driver-rollout.json), devices (default
 * 10000), rounds (default 3; each round runs plaintext then secured).
 */
public final class SecurityCostBenchmark {

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "../scenarios/faulty-driver-rollout.json");
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Scenario scenario = ScenarioLoader.load(file).withDevices(devices);
    PrintStream quiet =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    Path dir = Files.createTempDirectory("crashwatch-security-cost");
    double[] plainIngest = new double[rounds];
    double[] securedIngest = new double[rounds];
    double[] plain = new double[rounds];
    double[] secured = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      plainIngest[round] = ingestPerSecond(scenario, false, dir.resolve("ingest-plain-" + round));
      securedIngest[round] =
          ingestPerSecond(scenario, true, dir.resolve("ingest-secured-" + round));
      plain[round] = eventsPerSecond(scenario, false, dir.resolve("plain-" + round), quiet);
      secured[round] = eventsPerSecond(scenario, true, dir.resolve("secured-" + round), quiet);
      System.out.printf(
          "round %d: ingest plaintext %,.0f, secured %,.0f events/s; pipeline plaintext %,.0f,"
              + " secured %,.0f events/s%n",
          round + 1, plainIngest[round], securedIngest[round], plain[round], secured[round]);
    }
    System.out.printf(
        "%s, %,d devices, controller off, medians of %d rounds:%n"
            + "  ingest (simulated fleet into the broker):  plaintext %,.0f events/s, TLS+SASL %,.0f"
            + " events/s, ratio %.2f%n"
            + "  whole pipeline in lock-step (simulate):    plaintext %,.0f events/s, TLS+SASL %,.0f"
            + " events/s, ratio %.2f%n",
        scenario.name(),
        devices,
        rounds,
        median(plainIngest),
        median(securedIngest),
        median(securedIngest) / median(plainIngest),
        median(plain),
        median(secured),
        median(secured) / median(plain));
  }

  /** The fleet free-running into the broker as the emitter principal (secured) or anonymously. */
  private static double ingestPerSecond(Scenario scenario, boolean secured, Path dir)
      throws Exception {
    Topics topics = Topics.defaults();
    try (LocalStack stack =
        secured
            ? LocalStack.startSecured(dir, PipelineSession.embeddedPlan())
            : LocalStack.start(dir)) {
      EmbeddedTopics.create(stack, topics, 3);
      Map<String, Object> security = Map.of();
      EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
      if (secured) {
        Settings ops = ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.OPS)));
        SchemaRegistration.register(ClientSettings.serdes(ops).registry(), topics, List.of());
        Settings emitter =
            ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.EMITTER)));
        serdes = ClientSettings.serdes(emitter);
        security = emitter.kafkaClientSecurity();
      }
      long start = System.nanoTime();
      SimulationResult result;
      try (TelemetryEmitter emitter =
          new TelemetryEmitter(stack.bootstrapServers(), serdes, topics, security)) {
        result = new FleetSimulator(scenario, emitter, topics).run(scenario.duration(), at -> {});
        emitter.flush();
      }
      return result.events() / ((System.nanoTime() - start) / 1e9);
    }
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
