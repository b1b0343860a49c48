package dev.crashwatch.launcher;

import dev.crashwatch.config.Settings;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Admin clients configured like every other client: bootstrap servers plus the kafka.* keys. */
final class KafkaAdmins {

  private KafkaAdmins() {}

  /** An admin client on {@code bootstrapServers} with the admin-client keys of {@code kafka.*}. */
  static Admin create(String bootstrapServers, Settings settings) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings
        .kafkaOverrides()
        .forEach(
            (k, v) -> {
              if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
              }
            });
    return Admin.create(props);
  }
}
