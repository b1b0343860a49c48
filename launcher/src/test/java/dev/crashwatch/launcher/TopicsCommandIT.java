package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.localstack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * per test through the same {@code CRASHWATCH_TOPIC_*} variables an operator would use.
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

  /** Environment naming every topic with {@code suffix}, as an operator's would. */
  private static Map<String, String> env(String suffix) {
    return Map.ofEntries(
        Map.entry("CRASHWATCH_BOOTSTRAP_SERVERS", stack.bootstrapServers()),
        Map.entry("CRASHWATCH_TOPIC_BOOTS", "boots-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_CRASHES", "crashes-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_HEARTBEATS", "heartbeats-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_ROLLBACK_SIGNALS", "signals-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_SPIKE_ALERTS", "alerts-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_VENDOR_HEALTH_PREFIX", "vendor-health-" + suffix + "."),
        Map.entry("CRASHWATCH_TOPIC_DEAD_LETTERS", "dead-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_VERSION_HEALTH", "health-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_CATALOGUE", "catalogue-" + suffix),
        Map.entry("CRASHWATCH_TOPIC_INPUT_PARTITIONS", "3"));
  }

  private record Run(int exitCode, String output) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = new CommandLine(new TopicsCommand(env, out)).execute(args);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
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
    Map<String, String> env = env(s);

    Run first = run(env, "--vendor", "acme");
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

    Run second = run(env, "--vendor", "acme");
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
    Run third = run(env, "--vendor", "acme");
    assertThat(third.exitCode()).as(third.output()).isZero();
    assertThat(third.output())
        .contains("created 0, changed 2, unchanged 7, left different 0")
        .contains("cleanup.policy delete -> compact")
        .contains("retention.ms 1000 -> 2592000000");
    assertThat(config("signals-" + s).get("cleanup.policy").value()).isEqualTo("compact");
    assertThat(config("alerts-" + s).get("retention.ms").value()).isEqualTo("2592000000");
  }

  @Test
  void reportsAndLeavesAPartitionCountThatDiffers() throws Exception {
    String s = UUID.randomUUID().toString().substring(0, 8);
    stack.createTopics(2, "crashes-" + s);

    Run run = run(env(s));

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .containsPattern("differs +crashes-" + s + " +2 partitions, the plan says 3")
        .contains("created 7, changed 0, unchanged 0, left different 1");
    assertThat(partitions("crashes-" + s)).isEqualTo(2);
    // Its planned config was still set.
    assertThat(config("crashes-" + s).get("retention.ms").value()).isEqualTo("604800000");
  }

  @Test
  void refusesABadSettingByName() {
    Map<String, String> env = new java.util.HashMap<>(env("x"));
    env.put("CRASHWATCH_TOPIC_INPUT_PARTITIONS", "0");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new TopicsCommand(env, System.out));
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    assertThat(cli.execute()).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("topic.input.partitions");
  }
}
