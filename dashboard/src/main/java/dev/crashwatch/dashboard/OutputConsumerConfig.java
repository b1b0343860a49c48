package dev.crashwatch.dashboard;

import dev.crashwatch.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The consumer configuration of a reader of the output topics (the dashboard, {@code crashwatch
 * signals}): the {@code kafka.*} pass-through (security settings and the like) with {@code
 * isolation.level=read_committed}, because the processor writes them with exactly-once and a
 * read_uncommitted reader would show signals of aborted transactions. Partitions are assigned, not
 * subscribed, so no consumer group (and no group ACL) is needed and nothing is committed.
 */
public final class OutputConsumerConfig {

  private OutputConsumerConfig() {}

  /**
   * @param settings with {@code bootstrap.servers} and any {@code kafka.*} overrides
   * @param clientId shown in the broker's logs and quotas
   */
  public static Map<String, Object> of(Settings settings, String clientId) {
    // kafka.isolation.level=read_uncommitted never gets this far: Settings refuses it by name.
    Map<String, Object> config = new HashMap<>(settings.kafkaOverrides());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getString("bootstrap.servers"));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return config;
  }
}
