package dev.crashwatch.launcher;

import dev.crashwatch.simulator.SignalMoment;
import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs every scenario file given (or every {@code *.json} in the directories given), one after the
 * other, each through its own embedded pipeline, and prints one line per scenario: pass or fail,
 * time to detect, devices crashed per ring when the version was first signalled HALT or stronger,
 * and in all. CI runs it on {@code scenarios/}; the exit code is 0 when every scenario passed, 1
 * when one failed, 2 when a file is not a valid scenario (checked before anything runs).
 */
@Command(
    name = "suite",
    mixinStandardHelpOptions = true,
    description = {
      "Run scenario files through the real pipeline, one after the other, and report per scenario:"
          + " pass or fail, time to detect, devices crashed per ring at the first HALT and in all.",
      "Exit codes: 0 every scenario passed, 1 one failed, 2 a file is not a valid scenario."
    })
final class SuiteCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "FILE|DIR",
      arity = "1..*",
      description = "Scenario files, or directories whose *.json files are scenarios.")
  List<Path> inputs;

  @Option(
      names = "--reports",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/suite-reports",
      description =
          "Write <scenario>.json per scenario and suite.json here (default: ${DEFAULT-VALUE}).")
  Path reports;

  @Option(
      names = "--max-devices",
      paramLabel = "N",
      defaultValue = "1000000",
      description =
          "Skip (and list as skipped) scenarios with larger fleets: full-scale runs belong to the"
              + " performance suite (default: ${DEFAULT-VALUE}).")
  long maxDevices;

  @Mixin ControllerOption controller;

  @Mixin SecuredOption secured;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/suite",
      description = "Files of the embedded broker and registry (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "3",
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  private final PrintStream out = System.out;

  /** One line of the summary, also written to suite.json. */
  record Line(
      String scenario,
      String file,
      String result,
      Map<String, Duration> timeToDetect,
      Map<String, Map<String, Long>> crashedPerRingAtFirstHalt,
      Map<String, Long> crashedPerRing,
      long devices,
      double wallSeconds) {}

  @Override
  public Integer call() throws Exception {
    List<Path> files = files();
    // Every file is loaded first: a bad one stops the suite before anything runs.
    Map<Path, Scenario> scenarios = new LinkedHashMap<>();
    for (Path f : files) {
      scenarios.put(f, ScenarioLoader.load(f)); // a ScenarioException names the file and field
    }
    Files.createDirectories(reports);
    List<Line> lines = new ArrayList<>();
    for (Map.Entry<Path, Scenario> e : scenarios.entrySet()) {
      Scenario s = e.getValue();
      if (s.fleet().devices() > maxDevices) {
        lines.add(
            new Line(
                s.name(),
                e.getKey().toString(),
                "SKIPPED",
                Map.of(),
                Map.of(),
                Map.of(),
                s.fleet().devices(),
                0));
        continue;
      }
      out.printf("=== %s (%s, %,d devices)%n", s.name(), e.getKey(), s.fleet().devices());
      ScenarioReport report =
          ScenarioRun.run(
              s,
              PipelineTarget.embedded(secured.secured),
              dataDir.resolve(s.name()),
              partitions,
              controller.play(s),
              0,
              reports.resolve(s.name() + ".json"),
              out);
      Map<String, Map<String, Long>> atHalt = new LinkedHashMap<>();
      for (SignalMoment m : report.moments()) {
        if (!m.byController()) {
          atHalt.putIfAbsent(m.target(), m.crashedDevicesByRing());
        }
      }
      lines.add(
          new Line(
              s.name(),
              e.getKey().toString(),
              report.passed() ? "PASS" : "FAIL",
              report.timeToDetect(),
              atHalt,
              report.devicesCrashedPerRing(),
              s.fleet().devices(),
              report.wallSeconds()));
    }
    ScenarioRun.write(lines, reports.resolve("suite.json"));
    out.println();
    out.println("scenario suite (" + reports.resolve("suite.json") + "):");
    for (Line l : lines) {
      out.printf(
          "  %-7s %-38s %,9d devices %5.0f s%n",
          l.result(), l.scenario(), l.devices(), l.wallSeconds());
      l.timeToDetect()
          .forEach(
              (target, d) ->
                  out.printf(
                      "          detected %s %s after its first faulty crash%n",
                      target, d.truncatedTo(ChronoUnit.SECONDS)));
      l.crashedPerRingAtFirstHalt()
          .forEach(
              (target, rings) ->
                  out.printf(
                      "          first HALT of %s with crashed per ring %s%n", target, rings));
      if (!l.result().equals("SKIPPED")) {
        out.printf("          crashed per ring by faulty rollouts in all %s%n", l.crashedPerRing());
      }
    }
    return lines.stream().anyMatch(l -> l.result().equals("FAIL")) ? 1 : 0;
  }

  private List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    return files;
  }
}
