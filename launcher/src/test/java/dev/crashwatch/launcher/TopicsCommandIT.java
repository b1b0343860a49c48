package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.localstack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code crashwatch topics} against the real broker of {@link LocalStack#shared()}: creates every
 * topic as planned, changes nothing when run again, sets a planned config that was changed behind
 * its back, and reports (and leaves) a partition count that differs. Topic names are made unique
 * per test through a settings file ({@code --config}), as an operator would name them.
 */
class TopicsCommandIT {

  private static LocalStack stack;
  private static Admin admin;

  @BeforeAll
  static void start() {
    stack = LocalStack.shared();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    admin.close();
  }

  /** A settings file naming every topic with {@code suffix}, as an operator's would. */
  private static Path config(String suffix, Map<String, String> extra) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("topic.boots", "boots-" + suffix);
    settings.put("topic.crashes", "crashes-" + suffix);
    settings.put("topic.heartbeats", "heartbeats-" + suffix);
    settings.put("topic.rollback.signals", "signals-" + suffix);
    settings.put("topic.spike.alerts", "alerts-" + suffix);
    settings.put("topic.vendor.health.prefix", "vendor-health-" + suffix + ".");
    settings.put("topic.dead.letters", "dead-" + suffix);
    settings.put("topic.version.health", "health-" + suffix);
    settings.put("topic.catalogue", "catalogue-" + suffix);
    settings.put("topic.input.partitions", "3");
    settings.putAll(extra);
    Path file = Files.createTempFile(Path.of("target"), "topics-it-", ".properties");
    Files.write(
        file, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    return file;
  }

  private record Run(int exitCode, String output, String errors) {}

  private static Run run(Path config, String... more) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli =
        new CommandLine(new TopicsCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of("--config", config.toString(), "--bootstrap-servers", stack.bootstrapServers()));
    args.addAll(List.of(more));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(
        code, bytes.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Config config(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }

  private static int partitions(String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .size();
  }

  @Test
  void createsEverythingOnceThenChangesNothingAndRepairsDrift() throws Exception {
    String s = UUID.randomUUID().toString().substring(0, 8);
    Path config = config(s, Map.of());

    Run dry = run(config, "--vendor", "acme", "--dry-run");
    assertThat(dry.exitCode()).as(dry.output()).isZero();
    assertThat(dry.output()).contains("created 9, changed 0, unchanged 0, left different 0");
    assertThat(admin.listTopics().names().get()).noneMatch(t -> t.endsWith(s));

    Run first = run(config, "--vendor", "acme");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("created 9, changed 0, unchanged 0, left different 0");
    for (String input : List.of("boots-", "crashes-", "heartbeats-")) {
      assertThat(partitions(input + s)).isEqualTo(3);
      assertThat(config(input + s).get("retention.ms").value()).isEqualTo("604800000");
    }
    for (String compacted :
        List.of("signals-", "health-", "catalogue-", "vendor-health-" + s + ".acme")) {
      String topic = compacted.endsWith(".acme") ? compacted : compacted + s;
      assertThat(config(topic).get("cleanup.policy").value()).as(topic).isEqualTo("compact");
      assertThat(partitions(topic)).isEqualTo(1);
    }
    assertThat(config("alerts-" + s).get("retention.ms").value()).isEqualTo("2592000000");
    assertThat(config("alerts-" + s).get("message.timestamp.type").value())
        .isEqualTo("LogAppendTime");
    assertThat(config("dead-" + s).get("retention.ms").value()).isEqualTo("1209600000");

    Run second = run(config, "--vendor", "acme");
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("created 0, changed 0, unchanged 9, left different 0");

    // Someone changes two planned configs behind the plan's back.
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, "signals-" + s),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET)),
                new ConfigResource(ConfigResource.Type.TOPIC, "alerts-" + s),
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET))))
        .all()
        .get();
    await("changes visible")
        .atMost(Duration.ofSeconds(10))
        .until(() -> config("alerts-" + s).get("retention.ms").value().equals("1000"));
    Run third = run(config, "--vendor", "acme");
    assertThat(third.exitCode()).as(third.output()).isZero();
    assertThat(third.output())
        .contains("created 0, changed 2, unchanged 7, left different 0")
        .contains("cleanup.policy delete -> compact")
        .contains("retention.ms 1000 -> 2592000000");
    // A config change reaches the broker's view through the metadata log, a moment later.
    await("configs repaired")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(config("signals-" + s).get("cleanup.policy").value()).isEqualTo("compact");
              assertThat(config("alerts-" + s).get("retention.ms").value()).isEqualTo("2592000000");
            });
  }

  @Test
  void reportsAndLeavesAPartitionCountThatDiffers() throws Exception {
    String s = UUID.randomUUID().toString().substring(0, 8);
    stack.createTopics(2, "crashes-" + s);

    Run run = run(config(s, Map.of()));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .containsPattern("differs +crashes-" + s + " +2 partitions, the plan says 3")
        .contains("created 7, changed 0, unchanged 0, left different 1");
    assertThat(partitions("crashes-" + s)).isEqualTo(2);
    // Its planned config was still set.
    assertThat(config("crashes-" + s).get("retention.ms").value()).isEqualTo("604800000");
  }

  @Test
  void refusesABadSettingByName() throws Exception {
    Run run = run(config("x", Map.of("topic.input.partitions", "0")));
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.errors()).contains("topic.input.partitions");
  }
}
