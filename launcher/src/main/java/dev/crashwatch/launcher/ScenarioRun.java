package dev.crashwatch.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ExpectationResult;
import dev.crashwatch.simulator.report.ScenarioJudge;
import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.Component;
import dev.crashwatch.simulator.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * One scenario through the real pipeline, judged: what {@code simulate} does once and {@code suite}
 * does per file. The pipeline (embedded or yours) lives only for the run.
 */
final class ScenarioRun {

  private ScenarioRun() {}

  /**
   * @param target your cluster, or the embedded local stack in {@code dataDir}
   * @param playController play the rollout controller
   * @param speed times real time, or 0 for as fast as the pipeline takes it
   * @param reportFile where to write the JSON report, or null
   */
  static ScenarioReport run(
      Scenario scenario,
      PipelineTarget target,
      Path dataDir,
      int partitions,
      boolean playController,
      double speed,
      Path reportFile,
      PrintStream out)
      throws Exception {
    ScenarioReport report;
    try (PipelineSession pipeline =
        new PipelineSession(target, dataDir, partitions, vendorsOf(scenario), out)) {
      report = replayAndJudge(scenario, pipeline, playController, speed);
    }
    printOutcome(report, reportFile, out);
    return report;
  }

  /** Replays {@code scenario} through {@code pipeline} and judges what it signalled. */
  static ScenarioReport replayAndJudge(
      Scenario scenario, PipelineSession pipeline, boolean playController, double speed)
      throws Exception {
    SimulationResult result = pipeline.replay(scenario, playController, speed);
    return ScenarioJudge.judge(scenario, result, pipeline.signals());
  }

  /** The verdict of each expectation, the crash counts, and the JSON report when asked for. */
  static void printOutcome(ScenarioReport report, Path reportFile, PrintStream out)
      throws IOException {
    printExpectations(report, "", out);
    out.printf(
        "devices crashed per ring: %s (faulty rollouts), %,d in total; %,d events in %.1f s%n",
        report.devicesCrashedPerRing(),
        report.devicesCrashedTotal(),
        report.events(),
        report.wallSeconds());
    if (reportFile != null) {
      write(report, reportFile);
      out.println("report written to " + reportFile);
    }
  }

  /** One line per expectation of the scenario: PASS or FAIL, the expectation, what was measured. */
  static void printExpectations(ScenarioReport report, String indent, PrintStream out) {
    for (ExpectationResult e : report.expectations()) {
      out.printf(
          "%s%s  %s: %s%n", indent, e.passed() ? "PASS" : "FAIL", e.expectation(), e.measured());
    }
  }

  /** The scenario's vendors that can have a feed of their own (valid vendor names). */
  static List<String> vendorsOf(Scenario scenario) {
    return scenario.fleet().components().stream()
        .map(Component::vendor)
        .filter(v -> AccessPlan.VENDOR_NAME.matcher(v).matches())
        .distinct()
        .toList();
  }

  static void write(Object report, Path file) throws IOException {
    new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), report);
  }
}
