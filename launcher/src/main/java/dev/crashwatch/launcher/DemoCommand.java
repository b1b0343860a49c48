package dev.crashwatch.launcher;

import dev.crashwatch.processor.Percent;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.StatsKeyKind;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ScenarioJudge;
import dev.crashwatch.simulator.report.ScenarioReport;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job on the embedded default: a real local broker and registry, the stream processor, and
 * the fleet simulator playing a scenario into them, then what the processor made of it, judged by
 * the scenario's expectations.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a local Kafka broker and schema registry, run the stream processor, and replay a"
          + " scenario through them as fast as they take it, and judge the run by the scenario's"
          + " expectations (exit 1 if one fails). Everything is stopped and deleted at the end."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      defaultValue = "scenarios/channel-file-291.json",
      description = "Scenario file (default: ${DEFAULT-VALUE}).")
  Path scenarioFile;

  @Option(
      names = "--devices",
      paramLabel = "N",
      description = "Override the scenario's fleet size, e.g. to try a bigger or smaller fleet.")
  Integer devices;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/demo",
      description =
          "Where the broker, registry and state stores keep their files while running"
              + " (default: ${DEFAULT-VALUE}); deleted at the end.")
  Path dataDir;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "3",
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the judged run as JSON, as the suite writes one per scenario.")
  Path reportFile;

  @Mixin SpeedOption speed;

  @Mixin SecuredOption secured;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Scenario loaded = ScenarioLoader.load(scenarioFile);
    Scenario scenario = devices == null ? loaded : loaded.withDevices(devices);
    out.printf(
        "crashwatch demo: scenario %s, %,d devices, %s of simulated time from %s%n",
        scenario.name(), scenario.fleet().devices(), scenario.duration(), scenario.start());
    ScenarioReport report;
    try (PipelineSession pipeline =
        new PipelineSession(
            PipelineTarget.embedded(secured.secured),
            dataDir,
            partitions,
            ScenarioRun.vendorsOf(scenario),
            out)) {
      out.println("replaying the scenario...");
      SimulationResult result = pipeline.replay(scenario, scenario.controller(), speed.factor());
      printVersions(pipeline.streams());
      out.printf(
          "dead letters (records the processor could not use), by reason: %s%n",
          pipeline.deadLetters());
      out.printf(
          "devices crashed by the faulty rollout, per ring: %s; by any cause: %,d%n",
          result.crashedDevicesByRing(), result.crashedDevices());
      out.println("rollback signals, in the order the processor raised them:");
      pipeline
          .signals()
          .forEach(
              sig ->
                  out.printf(
                      "  %-8s %-32s at %s (simulated)%n",
                      sig.action(), sig.target(), sig.simulatedTime()));
      report = ScenarioJudge.judge(scenario, result, pipeline.signals());
    }
    out.println("stopped the processor, broker and registry; removed " + dataDir);
    // the scenario's own expectations (FORMAT.md, expect), judged as the suite judges them
    out.println("the scenario's expectations:");
    ScenarioRun.printExpectations(report, "  ", out);
    if (reportFile != null) {
      ScenarioRun.write(report, reportFile);
      out.println("report written to " + reportFile);
    }
    return report.passed() ? 0 : 1;
  }

  private void printVersions(KafkaStreams streams) {
    ReadOnlyKeyValueStore<StatsKey, VersionStats> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                VersionStatsProcessor.STORE, QueryableStoreTypes.keyValueStore()));
    List<KeyValue<String, VersionStats>> rows = new ArrayList<>();
    try (var all = store.all()) {
      // Pairs (kept for blame) and tenants are not versions: leave them out of the table.
      all.forEachRemaining(
          row -> {
            if (row.key.getKind() == StatsKeyKind.VERSION) {
              rows.add(KeyValue.pair(VersionKey.from(row.key).toString(), row.value));
            }
          });
    }
    rows.sort((a, b) -> a.key.compareTo(b.key));
    out.println("what the processor counted, per component version:");
    out.printf(
        "  %-32s %12s %12s %8s  %s%n",
        "component@version", "running now", "ever crashed", "rate", "top bugcheck / module");
    boolean left = false;
    for (KeyValue<String, VersionStats> row : rows) {
      long exposed = VersionStatsProcessor.exposed(row.value);
      long crashed = row.value.getCrashedDevices();
      String rate = rate(crashed, exposed);
      left |= crashed > exposed;
      out.printf(
          "  %-32s %,12d %,12d %8s  %s%n",
          row.key,
          exposed,
          crashed,
          rate,
          top(row.value.getBugchecks()) + " / " + top(row.value.getModules()));
    }
    if (left) {
      out.printf(
          "  (%s: fewer devices run the version now than ever crashed on it: rolled back or"
              + " replaced, so no rate against the devices running it)%n",
          NO_RATE);
    }
  }

  private static final String NO_RATE = "-";

  /**
   * Crashed over running now, as a percentage, when that is a share of the devices running it;
   * {@link #NO_RATE} when the devices that crashed have mostly left the version (a rate over 100%
   * would say nothing true; {@link Percent} never prints 0.00% beside a count of crashes).
   */
  static String rate(long crashed, long runningNow) {
    if (runningNow == 0 || crashed > runningNow) {
      return NO_RATE;
    }
    return Percent.of(crashed, runningNow);
  }

  private static String top(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse("-");
  }
}
