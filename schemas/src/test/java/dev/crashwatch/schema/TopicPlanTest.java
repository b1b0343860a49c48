package dev.crashwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

  private static TopicPlan plan(Map<String, String> env) {
    List<Setting> all = new ArrayList<>(Topics.SETTINGS);
    all.addAll(TopicPlan.SETTINGS);
    return TopicPlan.from(Settings.load(all, Optional.empty(), env));
  }

  private static TopicSpec spec(TopicPlan plan, String name) {
    return plan.specs().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyTopicOfThePipelineWithItsConfigs() {
    TopicPlan plan = plan(Map.of());
    assertThat(plan.specs())
        .extracting(TopicSpec::name)
        .containsExactly(
            "device-boots",
            "device-crashes",
            "sensor-heartbeats",
            "rollback-signals",
            "version-health",
            "component-catalogue",
            "spike-alerts",
            "telemetry-dead-letters");
    for (String input : List.of("device-boots", "device-crashes", "sensor-heartbeats")) {
      assertThat(spec(plan, input).partitions()).isEqualTo(6);
      assertThat(spec(plan, input).configs())
          .containsEntry("retention.ms", "604800000")
          .containsEntry("cleanup.policy", "delete");
    }
    for (String compacted : List.of("rollback-signals", "version-health", "component-catalogue")) {
      assertThat(spec(plan, compacted).configs()).containsEntry("cleanup.policy", "compact");
    }
    assertThat(plan.vendorFeed("acme").name()).isEqualTo("vendor-health.acme");
    assertThat(plan.vendorFeed("acme").configs()).containsEntry("cleanup.policy", "compact");
    assertThat(spec(plan, "spike-alerts").configs())
        .containsEntry("retention.ms", "2592000000")
        .containsEntry("message.timestamp.type", "LogAppendTime");
    assertThat(spec(plan, "rollback-signals").replicationFactor()).isEmpty();
  }

  @Test
  void settingsChangeCountsRetentionsAndReplicas() {
    TopicPlan plan =
        plan(
            Map.of(
                "CRASHWATCH_TOPIC_INPUT_PARTITIONS", "12",
                "CRASHWATCH_TOPIC_INPUT_RETENTION_MS", "-1",
                "CRASHWATCH_TOPIC_REPLICATION_FACTOR", "3",
                "CRASHWATCH_TOPIC_ROLLBACK_SIGNALS", "signals"));
    assertThat(spec(plan, "device-crashes").partitions()).isEqualTo(12);
    assertThat(spec(plan, "device-crashes").configs()).containsEntry("retention.ms", "-1");
    assertThat(spec(plan, "signals").replicationFactor()).contains((short) 3);
  }

  @Test
  void aBadValueNamesItsKey() {
    assertThatThrownBy(() -> plan(Map.of("CRASHWATCH_TOPIC_OUTPUT_PARTITIONS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic.output.partitions");
    assertThatThrownBy(() -> plan(Map.of("CRASHWATCH_TOPIC_INPUT_RETENTION_MS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic.input.retention.ms");
  }
}
