package dev.crashwatch.bench;

import dev.crashwatch.config.Settings;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.launcher.ScenarioCatalogue;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.TopicSpec;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The embedded broker and registry a benchmark runs on, with the pipeline's topics as {@link
 * TopicPlan} has them (inputs kept forever: the scenarios replay 2024 telemetry), and processor
 * settings pointing at it.
 */
final class BenchStack implements AutoCloseable {

  /**
   * Where a processor's local state goes in the benchmark's directory: this, its application id.
   */
  private static final String STATE = "streams-";

  final LocalStack stack;
  final Topics topics;
  final EventSerdes serdes;
  private final Path dir;

  private BenchStack(LocalStack stack, Topics topics, Path dir) {
    this.stack = stack;
    this.topics = topics;
    this.dir = dir;
    this.serdes = EventSerdes.connect(stack.schemaRegistryUrl());
  }

  static BenchStack start(Path dir, int inputPartitions) throws Exception {
    deleteEarlierState(dir);
    LocalStack stack = LocalStack.start(dir.resolve("stack"));
    Topics topics = ProcessorSettings.load(Optional.empty(), Map.of()).topics();
    List<NewTopic> plan =
        TopicPlan.defaults(topics)
            .withInputPartitions(inputPartitions)
            .withInputRetentionMs(-1)
            .specs()
            .stream()
            .map(BenchStack::newTopic)
            .toList();
    try (Admin admin = Admin.create(stack.adminClientConfig())) {
      admin.createTopics(plan).all().get();
    }
    return new BenchStack(stack, topics, dir);
  }

  /**
   * The processors' local state of an earlier benchmark in {@code dir}: it belongs to a stack that
   * is gone, and every run starts with none.
   */
  private static void deleteEarlierState(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> earlier = Files.list(dir)) {
      for (Path state :
          earlier.filter(p -> p.getFileName().toString().startsWith(STATE)).toList()) {
        try (Stream<Path> files = Files.walk(state)) {
          for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    }
  }

  /**
   * The scenario's components in the operator's catalogue and their vendors' feeds, as ops would
   * before the processor starts (its global store reads the catalogue topic from the beginning).
   */
  void loadCatalogue(Scenario scenario) throws Exception {
    List<CatalogueEntry> entries = ScenarioCatalogue.entries(scenario, Instant.now());
    new CatalogueClient(stack.adminClientConfig(), serdes, topics.catalogue()).put(entries);
    TopicPlan plan = TopicPlan.defaults(topics);
    try (Admin admin = Admin.create(stack.adminClientConfig())) {
      admin
          .createTopics(
              entries.stream()
                  .map(CatalogueEntry::getVendor)
                  .distinct()
                  .map(v -> newTopic(plan.vendorFeed(v)))
                  .toList())
          .all()
          .get();
    }
  }

  private static NewTopic newTopic(TopicSpec spec) {
    return new NewTopic(spec.name(), Optional.of(spec.partitions()), spec.replicationFactor())
        .configs(spec.configs());
  }

  /**
   * The processor's settings (its defaults, then {@code overrides}) on this stack, under a fresh
   * application id and state directory, so that every run starts from offset zero with no state.
   */
  ProcessorSettings processorSettings(String applicationId, Map<String, String> overrides) {
    Settings raw =
        ProcessorSettings.load(Optional.empty(), Map.of())
            .raw()
            .with("bootstrap.servers", stack.bootstrapServers(), "bench")
            .with("schema.registry.url", stack.schemaRegistryUrl(), "bench")
            .with("application.id", applicationId, "bench")
            .with("state.dir", dir.resolve(STATE + applicationId).toString(), "bench");
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      raw = raw.with(o.getKey(), o.getValue(), "bench --set");
    }
    return new ProcessorSettings(raw);
  }

  String bootstrapServers() {
    return stack.bootstrapServers();
  }

  @Override
  public void close() {
    stack.close();
  }
}
