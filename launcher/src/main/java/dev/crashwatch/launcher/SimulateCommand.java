package dev.crashwatch.launcher;

import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs a scenario file through the real pipeline and judges the signals against its expectations
 * (FORMAT.md): exit 0 when every expectation holds, 1 when one does not, 2 for a bad file.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run a scenario file through the real pipeline (broker, registry, stream processor) and"
          + " report what was signalled and when.",
      "Uses the embedded local broker and registry unless --bootstrap-servers and"
          + " --schema-registry-url are given (then the input and signal topics must exist).",
      "Exit codes: 0 every expectation holds, 1 one does not, 2 the scenario file is invalid."
    })
final class SimulateCommand implements Callable<Integer> {

  @Option(
      names = "--scenario",
      required = true,
      paramLabel = "FILE",
      description = "Scenario file.")
  Path scenarioFile;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write the JSON report here (default: only a summary on standard output).")
  Path reportFile;

  // Also from the environment, so that compose configures this service like every other.
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:CRASHWATCH_BOOTSTRAP_SERVERS}",
      description = "Your Kafka (default: CRASHWATCH_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      defaultValue = "${env:CRASHWATCH_SCHEMA_REGISTRY_URL}",
      description = "Your schema registry (default: CRASHWATCH_SCHEMA_REGISTRY_URL).")
  String schemaRegistryUrl;

  @Option(names = "--devices", paramLabel = "N", description = "Override the fleet size.")
  Integer devices;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/simulate",
      description =
          "Files of the embedded broker and registry while running (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Partitions of each input topic on the embedded broker (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Mixin ControllerOption controller;

  @Mixin SpeedOption speed;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Scenario loaded = ScenarioLoader.load(scenarioFile);
    Scenario scenario = devices == null ? loaded : loaded.withDevices(devices);
    ScenarioReport report =
        ScenarioRun.run(
            scenario,
            bootstrapServers,
            schemaRegistryUrl,
            dataDir,
            partitions,
            controller.play(scenario),
            speed.factor(),
            reportFile,
            out);
    return report.passed() ? 0 : 1;
  }
}
