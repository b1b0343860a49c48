package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.TopicSpec;
import dev.crashwatch.schema.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics the embedded broker needs before anything runs (it does not create topics on use): the
 * same {@link TopicPlan} that {@code crashwatch topics} applies to a cluster, with the input
 * partition count asked for and inputs kept forever (the demo replays 2024 telemetry, which a
 * time-based retention on record timestamps would delete). Vendor health feeds are created for the
 * vendors of the catalogue a run loads ({@link #createFeeds}), as ops would: the processor never
 * creates topics.
 */
final class EmbeddedTopics {

  private EmbeddedTopics() {}

  static void create(LocalStack stack, Topics topics, int inputPartitions) {
    TopicPlan plan =
        TopicPlan.defaults(topics).withInputPartitions(inputPartitions).withInputRetentionMs(-1);
    // as the stack's admin: on the secured stack, with its TLS and SCRAM login
    apply(stack.adminClientConfig(), plan.specs());
  }

  /**
   * Only the input topics of {@code topics}, as the topic plan has them but keeping at most {@code
   * bytesPerPartition} a partition in segments of that size: for records nothing reads (the
   * full-scale ceiling's), whose whole run would not fit on the disk.
   */
  static void createBoundedInputs(
      LocalStack stack, Topics topics, int inputPartitions, long bytesPerPartition) {
    String bytes = String.valueOf(bytesPerPartition);
    List<TopicSpec> inputs =
        TopicPlan.defaults(topics)
            .withInputPartitions(inputPartitions)
            .withInputRetentionMs(-1)
            .specs()
            .stream()
            .filter(spec -> topics.inputs().contains(spec.name()))
            .map(
                spec -> {
                  Map<String, String> configs = new HashMap<>(spec.configs());
                  configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, bytes);
                  configs.put(TopicConfig.RETENTION_BYTES_CONFIG, bytes);
                  return new TopicSpec(
                      spec.name(),
                      spec.partitions(),
                      spec.replicationFactor(),
                      configs,
                      spec.purpose());
                })
            .toList();
    apply(stack.adminClientConfig(), inputs);
  }

  /**
   * The health feeds of {@code vendors}, as the topic plan has them, through {@code clientConfig}.
   */
  static void createFeeds(
      Map<String, Object> clientConfig, Topics topics, Collection<String> vendors) {
    TopicPlan plan = TopicPlan.defaults(topics);
    apply(clientConfig, vendors.stream().map(plan::vendorFeed).toList());
  }

  private static void apply(Map<String, Object> clientConfig, List<TopicSpec> specs) {
    try (Admin admin = Admin.create(clientConfig)) {
      new TopicReconciler(admin, Duration.ofSeconds(30)).apply(specs);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the embedded stack's topics", e);
    }
  }
}
