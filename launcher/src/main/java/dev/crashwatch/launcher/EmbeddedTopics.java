package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.util.List;
import java.util.Map;
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
 */
final class EmbeddedTopics {

  private static final long TIMEOUT_SECONDS = 30;

  private EmbeddedTopics() {}

  static void create(LocalStack stack, Topics topics, int inputPartitions) {
    stack.createTopics(inputPartitions, topics.boots(), topics.crashes(), topics.heartbeats());
    createCompacted(stack, List.of(topics.versionHealth(), topics.catalogue()));
    stack.createTopics(
        1,
        topics.deadLetters(),
        topics.rollbackSignals(),
        topics.spikeAlerts(),
        topics.versionHealth(),
        topics.catalogue());
  }

  /** Compacted topics of one partition; existing ones are left as they are. */
  private static void createCompacted(LocalStack stack, List<String> names) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      var result =
          admin.createTopics(
              names.stream()
                  .map(
                      n ->
                          new NewTopic(n, 1, (short) 1)
                              .configs(
                                  Map.of(
                                      TopicConfig.CLEANUP_POLICY_CONFIG,
                                      TopicConfig.CLEANUP_POLICY_COMPACT)))
                  .toList());
      for (String name : names) {
        try {
          result.values().get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name, e.getCause());
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted creating topic " + name, e);
        }
      }
    }
  }
}
