package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Settings;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.TopicSpec;
import dev.crashwatch.schema.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Replays a time range of the recorded input topics through the detector twice, with the production
 * configuration and with a candidate, each into output topics of its own, and prints side by side
 * what each would have signalled and when: operators tune thresholds on their own history before
 * they change production.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the input records of a time range through the detector with the production"
          + " configuration and with a candidate, and print what each would have signalled and"
          + " when.",
      "Production configuration: defaults, then --config FILE, then CRASHWATCH_* variables, then"
          + " the options; the candidate is that with --candidate FILE on top (detector settings"
          + " only).",
      "Never touches production's outputs or consumer group: the range is copied to"
          + " backtest.<run>.input.*, each configuration runs as application backtest.<run>.<name>"
          + " into backtest.<run>.<name>.* topics (left for inspection; delete them with"
          + " kafka-topics)."
    })
final class BacktestCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "INSTANT",
      description = "Start of the range, inclusive, by record timestamp (2024-07-19T03:30:00Z).")
  Instant from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "INSTANT",
      description = "End of the range, exclusive, by record timestamp.")
  Instant to;

  @Option(
      names = "--candidate",
      required = true,
      paramLabel = "FILE",
      description = "Properties file of the detector settings to try (detector.*, ...).")
  Path candidateFile;

  @Option(
      names = "--run",
      paramLabel = "NAME",
      description =
          "Name of this backtest in its topic names and application ids (default: bt-<UTC time>).")
  String run;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/backtest",
      description = "State stores of the runs while they run (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "PT10M",
      description =
          "Longest wait for a configuration's processor to catch up with one step, or to finish"
              + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** How often, in record time, a progress line is printed. */
  private static final Duration REPORT_EVERY = Duration.ofHours(1);

  private final PrintStream out;

  BacktestCommand() {
    this(System.out);
  }

  /** With its table and progress lines on {@code out} (tests read them). */
  BacktestCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    BacktestRange range = new BacktestRange(from, to);
    String name =
        run != null
            ? run
            : "bt-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now());
    Settings production = cluster.load(ProcessorSettings.DECLARED);
    Settings candidate = BacktestSettings.candidate(production, candidateFile);
    Topics topics = Topics.from(production);
    Topics copies = BacktestSettings.inputCopies(topics, name);
    Map<String, Object> kafka = ClientSettings.kafka(production);
    EventSerdes serdes = ClientSettings.serdes(production);

    out.printf(
        "backtest %s: records of %s with timestamps in %s%n",
        name, String.join(", ", topics.inputs()), range);
    BacktestSettings.differences(production, candidate, candidateFile)
        .forEach(
            (key, values) -> out.printf("  candidate %s: %s -> %s%n", key, values[0], values[1]));

    Settings productionRun =
        BacktestSettings.forRun(production, name, "production", dataDir.resolve(name + "/p"));
    Settings candidateRun =
        BacktestSettings.forRun(candidate, name, "candidate", dataDir.resolve(name + "/c"));
    List<String> vendors =
        new CatalogueClient(kafka, serdes, topics.catalogue())
            .list(Duration.ofSeconds(60)).values().stream()
                .map(CatalogueEntry::getVendor)
                .filter(v -> AccessPlan.VENDOR_NAME.matcher(v).matches())
                .distinct()
                .toList();
    createTopics(kafka, topics, vendors, List.of(productionRun, candidateRun));
    // The runs' own subjects, registered here: a secured deployment's processor may not register.
    for (Settings run : List.of(productionRun, candidateRun)) {
      Topics t = Topics.from(run);
      SchemaRegistration.register(
          serdes.registry(), t, vendors.stream().map(t::vendorHealth).toList());
    }

    long start = System.nanoTime();
    BacktestRun.Outcome p;
    BacktestRun.Outcome c;
    RangeReplay.Copied copied;
    try (RangeReplay replay = new RangeReplay(kafka, topics.inputs(), copies.inputs(), range);
        BacktestRun productionProcessor = new BacktestRun(productionRun, kafka, timeout);
        BacktestRun candidateProcessor = new BacktestRun(candidateRun, kafka, timeout)) {
      List<BacktestRun> runs = List.of(productionProcessor, candidateProcessor);
      out.printf(
          "replaying the range into %s in lock-step with %s and %s, every %s of record time%n",
          String.join(", ", copies.inputs()),
          productionProcessor.applicationId(),
          candidateProcessor.applicationId(),
          step(productionRun, candidateRun));
      long stepMs = step(productionRun, candidateRun).toMillis();
      long nextReport = from.toEpochMilli() + REPORT_EVERY.toMillis();
      for (long end = from.toEpochMilli() + stepMs; ; end += stepMs) {
        long stepEnd = Math.min(end, to.toEpochMilli());
        replay.sendUpTo(stepEnd);
        for (BacktestRun r : runs) {
          r.awaitCaughtUp();
        }
        if (stepEnd >= nextReport || stepEnd == to.toEpochMilli()) {
          nextReport += REPORT_EVERY.toMillis();
          out.printf(
              "  record time %s  %,d records replayed (%.0f s)%n",
              Instant.ofEpochMilli(stepEnd),
              replay.copied().total(),
              (System.nanoTime() - start) / 1e9);
        }
        if (stepEnd == to.toEpochMilli()) {
          break;
        }
      }
      for (BacktestRun r : runs) {
        r.awaitQuiet();
      }
      copied = replay.copied();
      p = productionProcessor.outcome(serdes);
      c = candidateProcessor.outcome(serdes);
    }
    deleteRecursively(dataDir.resolve(name));
    if (copied.total() == 0) {
      out.printf("no input record has a timestamp in %s: nothing to compare%n", range);
      return 0;
    }
    out.printf(
        "replayed %,d records %s, timestamps %s to %s, in %.1f s%n",
        copied.total(),
        copied.perTopic(),
        Instant.ofEpochMilli(copied.firstMs()),
        Instant.ofEpochMilli(copied.lastMs()),
        (System.nanoTime() - start) / 1e9);
    summary("production", p);
    summary("candidate", c);

    out.println(
        "what each configuration would have signalled (decision time: the detector's stream time;"
            + " the same evaluation interval counts as the same):");
    List<SignalComparison.Row> rows =
        SignalComparison.compare(p.decisions(), c.decisions(), step(productionRun, candidateRun));
    SignalComparison.print(rows, out);
    long differing = rows.stream().filter(SignalComparison.Row::differs).count();
    out.printf(
        "%d of %d signals differ; outputs in %s* and %s*%n",
        differing,
        rows.size(),
        BacktestSettings.prefix(name) + "production.",
        BacktestSettings.prefix(name) + "candidate.");
    return 0;
  }

  /** The lock-step: the finer of the two configurations' detector intervals. */
  private static Duration step(Settings production, Settings candidate) {
    Duration a = new ProcessorSettings(production).detectorInterval();
    Duration b = new ProcessorSettings(candidate).detectorInterval();
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void summary(String label, BacktestRun.Outcome o) {
    out.printf(
        "  %s: %d signals, detector evaluated up to %s, dead letters %s%n",
        label,
        o.signals().size(),
        o.evaluated() == null ? "(no evaluation)" : o.evaluated(),
        o.deadLetters().isEmpty() ? "none" : o.deadLetters());
  }

  /**
   * The input copies (the production inputs' partition count, kept forever: their records are old)
   * and each run's outputs, with a health feed for each catalogued vendor, as the topic plan has
   * them.
   */
  private static void createTopics(
      Map<String, Object> kafka, Topics production, List<String> vendors, List<Settings> runs)
      throws Exception {
    try (Admin admin = Admin.create(kafka)) {
      List<Integer> counts = new ArrayList<>();
      var described = admin.describeTopics(production.inputs()).allTopicNames().get();
      for (String input : production.inputs()) {
        counts.add(described.get(input).partitions().size());
      }
      if (counts.stream().distinct().count() != 1) {
        throw new ConfigException(
            "the input topics "
                + production.inputs()
                + " have different partition counts "
                + counts
                + ": they must co-partition");
      }
      // both runs read the same copies: each name once; the catalogue is production's
      Map<String, TopicSpec> specs = new java.util.LinkedHashMap<>();
      for (Settings run : runs) {
        Topics t = Topics.from(run);
        TopicPlan plan =
            TopicPlan.defaults(t).withInputPartitions(counts.get(0)).withInputRetentionMs(-1);
        plan.specs().stream()
            .filter(spec -> !spec.name().equals(t.catalogue()))
            .map(BacktestCommand::keepEverything)
            .forEach(spec -> specs.putIfAbsent(spec.name(), spec));
        // the processor writes only feeds that exist: the run's own, one per catalogued vendor
        vendors.forEach(v -> specs.putIfAbsent(t.vendorHealth(v), plan.vendorFeed(v)));
      }
      new TopicReconciler(admin, Duration.ofSeconds(60)).apply(List.copyOf(specs.values()));
    }
  }

  /**
   * A backtest compares every signal, not the latest per version: its compacted outputs are kept
   * whole instead (the log cleaner would drop a WATCH once its HALT is written: record times are
   * old, so compaction's lag is long past).
   */
  private static TopicSpec keepEverything(TopicSpec spec) {
    if (!"compact".equals(spec.configs().get("cleanup.policy"))) {
      return spec;
    }
    Map<String, String> configs = new java.util.TreeMap<>(spec.configs());
    configs.put("cleanup.policy", "delete");
    configs.put("retention.ms", "-1");
    return new TopicSpec(
        spec.name(), spec.partitions(), spec.replicationFactor(), configs, spec.purpose());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
