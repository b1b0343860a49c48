package dev.crashwatch.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the names of stores, internal topics and processors. A changed name here moves a changelog
 * or repartition topic, which loses state on upgrade: change it only on purpose, with a migration.
 */
class CrashwatchTopologyDescribeTest {

  private static TopologyFixture fx;

  @BeforeAll
  static void build() throws Exception {
    fx = new TopologyFixture();
  }

  @AfterAll
  static void close() {
    fx.close();
  }

  @Test
  void storesAreNamed() {
    Set<String> stores = new TreeSet<>();
    nodes()
        .forEach(
            n -> {
              if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
              }
            });
    assertThat(stores)
        .containsExactly(
            "detector-figures",
            "detector-schedule",
            "device-state",
            "fleet-tenants",
            "fleet-versions",
            "sequential-evidence",
            "signal-states",
            "silence-watch",
            "version-stats");
  }

  @Test
  void internalTopicsAreNamed() {
    Set<String> topics = new TreeSet<>();
    nodes()
        .forEach(
            n -> {
              if (n instanceof TopologyDescription.Sink s && s.topic() != null) {
                topics.add(s.topic());
              }
              if (n instanceof TopologyDescription.Source s && s.topicSet() != null) {
                topics.addAll(s.topicSet());
              }
            });
    assertThat(topics)
        .containsExactly(
            "detector-input-repartition",
            "device-boots",
            "device-crashes",
            "rollback-signals",
            "sensor-heartbeats",
            "spike-alerts",
            "telemetry-dead-letters",
            "version-deltas-repartition",
            "version-health");
  }

  @Test
  void everyNodeHasAChosenName() {
    Set<String> names = new TreeSet<>();
    nodes().forEach(n -> names.add(n.name()));
    assertThat(names).noneMatch(name -> name.startsWith("KSTREAM-") || name.startsWith("KTABLE-"));
    assertThat(names)
        .contains(
            "boots-source",
            "crashes-source",
            "heartbeats-source",
            "decode-boots",
            "decode-crashes",
            "decode-heartbeats",
            "admit-telemetry",
            "dead-letters-sink",
            "device-state-processor",
            "version-stats-processor",
            "detector-processor",
            "rollback-signals-sink",
            "spike-alerts-sink",
            "vendor-health-sink",
            "version-health-sink");
  }

  private static Iterable<TopologyDescription.Node> nodes() {
    return fx.topology.describe().subtopologies().stream()
        .flatMap(s -> s.nodes().stream())
        .toList();
  }
}
