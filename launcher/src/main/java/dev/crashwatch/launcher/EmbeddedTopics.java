package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.TopicPlan;
import dev.crashwatch.schema.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The topics the embedded broker needs before anything runs (it does not create topics on use): the
 * same {@link TopicPlan} that {@code crashwatch topics} applies to a cluster, with the input
 * partition count asked for and inputs kept forever (the demo replays 2024 telemetry, which a
 * time-based retention on record timestamps would delete). Vendor health feeds are created by the
 * processor when it learns a vendor.
 */
final class EmbeddedTopics {

  private EmbeddedTopics() {}

  static void create(LocalStack stack, Topics topics, int inputPartitions) {
    TopicPlan plan =
        TopicPlan.defaults(topics).withInputPartitions(inputPartitions).withInputRetentionMs(-1);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      new TopicReconciler(admin, Duration.ofSeconds(30)).apply(plan.specs());
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the embedded stack's topics", e);
    }
  }
}
