package dev.crashwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Settings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputConsumerConfigTest {

  @Test
  void readsCommittedAndPassesTheKafkaSettingsThrough() {
    Map<String, Object> config =
        OutputConsumerConfig.of(
            load(
                Map.of(
                    "CRASHWATCH_BOOTSTRAP_SERVERS", "broker:9093",
                    "CRASHWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")),
            "crashwatch-dashboard");

    assertThat(config)
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("client.id", "crashwatch-dashboard")
        .doesNotContainKey("group.id");
  }

  @Test
  void refusesToReadUncommittedNamingTheKey() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "CRASHWATCH_BOOTSTRAP_SERVERS", "broker:9093",
                        "CRASHWATCH_KAFKA_ISOLATION_LEVEL", "read_uncommitted")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.isolation.level")
        .hasMessageContaining("CRASHWATCH_KAFKA_ISOLATION_LEVEL");
  }

  @Test
  void aBadPortIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                new DashboardSettings(
                    load(
                        Map.of(
                            "CRASHWATCH_BOOTSTRAP_SERVERS", "b:1",
                            "CRASHWATCH_DASHBOARD_PORT", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dashboard.port")
        .hasMessageContaining("CRASHWATCH_DASHBOARD_PORT");
  }

  private static Settings load(Map<String, String> env) {
    return Settings.load(DashboardSettings.DECLARED, Optional.empty(), env);
  }
}
