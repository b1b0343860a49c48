package dev.crashwatch.launcher;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.TopicSpec;
import dev.crashwatch.schema.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Creates every topic of the pipeline on a cluster, or brings existing ones to the plan. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = {
      "Create every topic the pipeline uses, with its partitions and configs, on your cluster."
          + " Idempotent: run it again and it changes nothing; a planned config that differs is"
          + " set, a partition count that differs is reported and left (exit code 1).",
      "Settings: defaults, then --config FILE, then CRASHWATCH_* environment variables, then the"
          + " options below."
    })
final class TopicsCommand implements Callable<Integer> {

  static final List<Setting> DECLARED;

  static {
    List<Setting> all = new ArrayList<>();
    all.add(
        new Setting("bootstrap.servers", null, "Kafka bootstrap servers, host:port[,host:port]."));
    all.addAll(Topics.SETTINGS);
    all.addAll(TopicPlan.SETTINGS);
    DECLARED = List.copyOf(all);
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--vendor",
      paramLabel = "NAME",
      description = "Also create the health feed of this vendor (repeatable).")
  List<String> vendors = new ArrayList<>();

  @Option(
      names = "--dry-run",
      description = "Report what would be created or changed, and change nothing.")
  boolean dryRun;

  private final PrintStream out;

  TopicsCommand() {
    this(System.out);
  }

  /** With another output, for tests. */
  TopicsCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = cluster.load(DECLARED);
    TopicPlan plan = TopicPlan.from(settings);
    List<TopicSpec> specs = new ArrayList<>(plan.specs());
    vendors.forEach(v -> specs.add(plan.vendorFeed(v)));
    String servers = settings.getString("bootstrap.servers");
    out.printf(
        "crashwatch topics: %d topics on %s%s%n",
        specs.size(), servers, dryRun ? " (dry run: nothing is changed)" : "");
    List<TopicOutcome> outcomes;
    try (Admin admin = KafkaAdmins.create(servers, settings)) {
      outcomes = new TopicReconciler(admin, TIMEOUT, dryRun).apply(specs);
    }
    outcomes.forEach(o -> out.println(o.line()));
    Map<TopicOutcome.Kind, Long> counts = new TreeMap<>();
    outcomes.forEach(o -> counts.merge(o.kind(), 1L, Long::sum));
    out.printf(
        "created %d, changed %d, unchanged %d, left different %d%n",
        counts.getOrDefault(TopicOutcome.Kind.CREATED, 0L),
        counts.getOrDefault(TopicOutcome.Kind.CHANGED, 0L),
        counts.getOrDefault(TopicOutcome.Kind.UNCHANGED, 0L),
        counts.getOrDefault(TopicOutcome.Kind.DIFFERS, 0L));
    return counts.containsKey(TopicOutcome.Kind.DIFFERS) ? 1 : 0;
  }
}
