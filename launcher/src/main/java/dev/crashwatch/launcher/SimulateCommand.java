package dev.crashwatch.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ExpectationResult;
import dev.crashwatch.simulator.report.ScenarioJudge;
import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Your Kafka.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Your schema registry.")
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

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Scenario loaded = ScenarioLoader.load(scenarioFile);
    Scenario scenario = devices == null ? loaded : loaded.withDevices(devices);
    if (scenario.controller()) {
      out.println("note: \"controller\": true is not played yet; every wave runs as scheduled");
    }
    ScenarioReport report;
    try (PipelineSession pipeline =
        new PipelineSession(bootstrapServers, schemaRegistryUrl, dataDir, partitions, out)) {
      SimulationResult result = pipeline.replay(scenario);
      report = ScenarioJudge.judge(scenario, result, pipeline.signals());
    }
    for (ExpectationResult e : report.expectations()) {
      out.printf("%s  %s: %s%n", e.passed() ? "PASS" : "FAIL", e.expectation(), e.measured());
    }
    out.printf(
        "devices crashed per ring: %s (faulty rollouts), %,d in total; %,d events in %.1f s%n",
        report.devicesCrashedPerRing(),
        report.devicesCrashedTotal(),
        report.events(),
        report.wallSeconds());
    if (reportFile != null) {
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(reportFile.toFile(), report);
      out.println("report written to " + reportFile);
    }
    return report.passed() ? 0 : 1;
  }
}
