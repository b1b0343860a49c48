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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
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
   * Only the input topics of {@code topics}, as the topic plan has them but bounded to {@code
   * bytesPerPartition} a partition ({@link #boundInputs}): for records nothing reads (the
   * full-scale ceiling's), whose whole run would not fit on the disk.
   */
  static void createBoundedInputs(
      LocalStack stack, Topics topics, int inputPartitions, long bytesPerPartition) {
    List<TopicSpec> inputs =
        TopicPlan.defaults(topics)
            .withInputPartitions(inputPartitions)
            .withInputRetentionMs(-1)
            .specs()
            .stream()
            .filter(spec -> topics.inputs().contains(spec.name()))
            .toList();
    apply(stack.adminClientConfig(), inputs);
    boundInputs(stack, topics, bytesPerPartition);
  }

  /**
   * Keeps at most {@code bytesPerPartition} of each partition of the input topics of {@code topics}
   * (already on the stack), in segments of a quarter of that, the oldest deleted first. For records
   * nothing reads, or a run in lock-step, whose processor has read and committed each step before
   * the next is sent: what is deleted then lies far behind anything it may read again after a
   * restart (it resumes from its last commit, and rebuilds its state from the changelogs, not from
   * the inputs).
   */
  static void boundInputs(LocalStack stack, Topics topics, long bytesPerPartition) {
    Collection<AlterConfigOp> bounds =
        List.of(
            new AlterConfigOp(
                new ConfigEntry(
                    TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(bytesPerPartition / 4)),
                AlterConfigOp.OpType.SET),
            new AlterConfigOp(
                new ConfigEntry(
                    TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(bytesPerPartition)),
                AlterConfigOp.OpType.SET));
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    for (String input : topics.inputs()) {
      ops.put(new ConfigResource(ConfigResource.Type.TOPIC, input), bounds);
    }
    try (Admin admin = Admin.create(stack.adminClientConfig())) {
      admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot bound the input topics " + topics.inputs(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while bounding the input topics", e);
    }
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
