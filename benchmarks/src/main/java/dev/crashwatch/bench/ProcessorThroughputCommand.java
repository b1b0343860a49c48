package dev.crashwatch.bench;

import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench processor}: see {@link ProcessorThroughput}. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description =
        "Processor throughput (exactly-once, from offset zero until lag 0) against a plain"
            + " consumer that decodes the same topics, with a JFR profile of the last run.")
final class ProcessorThroughputCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin BenchOptions common;

  @Option(
      names = "--scenario",
      defaultValue = "scenarios/channel-file-291.json",
      description = "Scenario whose events are preloaded (default: ${DEFAULT-VALUE}).")
  Path scenario;

  @Option(
      names = "--devices",
      description = "Resize the scenario's fleet (default: the file's, 100,000 for the reference).")
  Integer devices;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}, the topic plan's).")
  int partitions;

  @Option(
      names = "--set",
      description =
          "A processor setting for this run, KEY=VALUE (e.g. kafka.commit.interval.ms=100, to"
              + " compare with the defaults); repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--versus",
      description =
          "Settings KEY=VALUE[,KEY=VALUE...] to measure as a processor run of their own in every"
              + " round, beside the plain one (before/after on the same records); repeatable.")
  List<String> versus = new ArrayList<>();

  @Option(names = "--no-profile", description = "Do not record the last run with JFR.")
  boolean noProfile;

  @Option(
      names = "--no-warm-up",
      description =
          "Measure from a cold JVM: no processor run, not counted, over the same records first.")
  boolean noWarmUp;

  @Override
  public Integer call() throws Exception {
    List<Map<String, String>> variants = new ArrayList<>();
    for (String v : versus) {
      Map<String, String> settings = new LinkedHashMap<>();
      for (String pair : v.split(",")) {
        int eq = pair.indexOf('=');
        if (eq < 1) {
          throw new ParameterException(
              spec.commandLine(), "--versus: expected KEY=VALUE[,KEY=VALUE...], got " + v);
        }
        settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      variants.add(settings);
    }
    run(common, scenario, devices, partitions, overrides, variants, !noProfile, !noWarmUp);
    return 0;
  }

  static ProcessorThroughput.Result run(
      BenchOptions common,
      Path scenarioFile,
      Integer devices,
      int partitions,
      Map<String, String> overrides,
      List<Map<String, String>> variants,
      boolean profile,
      boolean warmUp)
      throws Exception {
    Scenario s = ScenarioLoader.load(scenarioFile);
    if (devices != null) {
      s = s.withDevices(devices);
    }
    return new ProcessorThroughput(
            System.out, common.dir.resolve("processor"), overrides, variants, warmUp)
        .run(s, partitions, common.runs, profile);
  }
}
