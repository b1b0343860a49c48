package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.Setting;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.TopicPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code full-scale}'s processor in a JVM of its own, against the real broker and registry of
 * {@link LocalStack#shared()}: it becomes ready, its heap and resident set are sampled from
 * outside, it stops when closed, and one that cannot start says so with its log's place.
 */
class ProcessorJvmIT {

  @Test
  void startsReadyIsMeasuredFromOutsideAndStops(@TempDir Path dir) throws Exception {
    LocalStack stack = LocalStack.shared();
    String s = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", stack.bootstrapServers());
    settings.put("schema.registry.url", stack.schemaRegistryUrl());
    settings.put("application.id", "processor-jvm-it-" + s);
    settings.put("state.dir", dir.resolve("state").toString());
    for (String topic : List.of("boots", "crashes", "heartbeats", "rollback.signals")) {
      settings.put("topic." + topic, topic + "-" + s);
    }
    settings.put("topic.spike.alerts", "alerts-" + s);
    settings.put("topic.dead.letters", "dead-" + s);
    settings.put("topic.vendor.health.prefix", "vendor-health-" + s + ".");
    Map<String, String> env = new LinkedHashMap<>();
    settings.forEach((key, value) -> env.put(Setting.envName(key), value));
    var topics = ProcessorSettings.load(Optional.empty(), env).topics();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      new TopicReconciler(admin, Duration.ofSeconds(30))
          .apply(TopicPlan.defaults(topics).withInputPartitions(1).specs());
    }

    ProcessorJvm jvm =
        ProcessorJvm.start(
            settings, List.of("-Xmx256m"), dir.resolve("files"), dir, Duration.ofMinutes(2));
    long pid = jvm.pid();
    assertThat(ProcessHandle.of(pid)).as("running once ready").isPresent();
    jvm.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("stopped by close")
        .isFalse();
    assertThat(jvm.peakHeapBytes()).as("heap scraped from its endpoint").isPositive();
    assertThat(jvm.peakHeapBytes()).isLessThanOrEqualTo(256L << 20);
    assertThat(jvm.peakRssBytes()).as("resident set from /proc").isGreaterThan(32L << 20);
    assertThat(jvm.allocatedBytes()).isPositive();
    assertThat(Files.readString(dir.resolve("files/processor.properties")))
        .contains("application.id=processor-jvm-it-" + s);
  }

  @Test
  void oneThatCannotStartNamesItsLog(@TempDir Path dir) {
    Map<String, String> settings = Map.of("no.such.setting", "1");
    assertThatThrownBy(
            () ->
                ProcessorJvm.start(
                    settings, List.of("-Xmx64m"), dir.resolve("files"), dir, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with status")
        .hasMessageContaining(dir.resolve("processor.log").toString());
    assertThat(dir.resolve("processor.out")).content().contains("no.such.setting");
  }

  @Test
  void sumsOneMetricsSamplesOverTheLabelAsked() {
    String exposition =
        """
        # HELP jvm_memory_used_bytes The amount of used memory
        jvm_memory_used_bytes{application="p",area="heap",id="G1 Eden Space"} 1.5E7
        jvm_memory_used_bytes{application="p",area="heap",id="G1 Old Gen"} 2.0E7
        jvm_memory_used_bytes{application="p",area="nonheap",id="Metaspace"} 9.0E7
        jvm_memory_used_bytes_max{application="p",area="heap"} 1.0
        """;
    assertThat(ProcessorJvm.sum(exposition, "jvm_memory_used_bytes{", "area=\"heap\""))
        .isEqualTo(3.5e7);
  }
}
