package dev.crashwatch.bench;

import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench latency}: see {@link LiveLatency}. */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description =
        "Detection latency, live: a faulty rollout played at real time by a free-running fleet into"
            + " the processor with its defaults; wall seconds to the HALT consumed, from the first"
            + " faulty crash and from the point the evidence sufficed.")
final class LiveLatencyCommand implements Callable<Integer> {

  static final String DEFAULT_SCENARIO = "scenarios/bench/live-latency.json";

  @Mixin BenchOptions common;

  @Option(
      names = "--scenario",
      defaultValue = DEFAULT_SCENARIO,
      description = "Scenario with one faulty rollout (default: ${DEFAULT-VALUE}).")
  Path scenario;

  @Option(
      names = "--speed",
      defaultValue = "1",
      description =
          "Times real time the fleet plays at (default: ${DEFAULT-VALUE}, live); the pipeline's"
              + " delay is still measured in wall seconds.")
  double speed;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}, the topic plan's).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    run(common, scenario, speed, partitions);
    return 0;
  }

  static LiveLatency.Result run(BenchOptions common, Path file, double speed, int partitions)
      throws Exception {
    Scenario s = ScenarioLoader.load(file);
    return new LiveLatency(System.out, common.dir.resolve("latency"))
        .run(s, common.runs, speed, partitions);
  }
}
