package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The topics the embedded broker needs before anything runs (it does not create topics on use): the
 * inputs with one partition count, so they co-partition, and the outputs with one partition; the
 * version-health snapshots and the component catalogue compacted (only the latest per key matters).
 * Vendor health feeds are created for the vendors of the catalogue a run loads ({@link
 * #createFeeds}): the processor never creates topics.
 */
final class EmbeddedTopics {

  private static final long TIMEOUT_SECONDS = 30;
  private static final Map<String, String> COMPACTED =
      Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

  private EmbeddedTopics() {}

  static void create(LocalStack stack, Topics topics, int inputPartitions) {
    stack.createTopics(inputPartitions, topics.boots(), topics.crashes(), topics.heartbeats());
    try (Admin admin = admin(stack.bootstrapServers())) {
      createMissing(
          admin,
          List.of(
              new NewTopic(topics.versionHealth(), 1, (short) 1).configs(COMPACTED),
              new NewTopic(topics.catalogue(), 1, (short) 1).configs(COMPACTED)));
    }
    // waits for leaders of all, the compacted ones included (existing topics are left as they are)
    stack.createTopics(
        1,
        topics.deadLetters(),
        topics.rollbackSignals(),
        topics.spikeAlerts(),
        topics.versionHealth(),
        topics.catalogue());
  }

  /** The health feeds of {@code vendors}, with the broker's default partitions and replication. */
  static void createFeeds(
      Map<String, Object> clientConfig, Topics topics, Collection<String> vendors) {
    try (Admin admin = Admin.create(clientConfig)) {
      createMissing(
          admin,
          vendors.stream()
              .map(v -> new NewTopic(topics.vendorHealth(v), Optional.empty(), Optional.empty()))
              .toList());
    }
  }

  private static Admin admin(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(props);
  }

  /** Creates {@code topics}; those that exist already are left as they are. */
  private static void createMissing(Admin admin, List<NewTopic> topics) {
    var result = admin.createTopics(topics);
    for (NewTopic topic : topics) {
      try {
        result.values().get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating topic " + topic.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted creating topic " + topic.name(), e);
      }
    }
  }
}
