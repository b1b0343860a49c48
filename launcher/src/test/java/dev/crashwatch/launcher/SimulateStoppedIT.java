package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Setting;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code crashwatch simulate} on your cluster, stopped by SIGTERM ({@code docker stop}; Ctrl-C
 * sends SIGINT, which runs the same shutdown hooks) while its processor runs: the run's own local
 * state directory, which only a run that finished used to delete, is gone once the command has
 * exited, and what failed in the command because of the stop is not printed as an error.
 */
class SimulateStoppedIT {

  private static final Pattern STATE_DIR = Pattern.compile("local state in (\\S+),");

  private final LocalStack stack = LocalStack.shared();

  @TempDir Path tmp;

  @Test
  void aStoppedRunLeavesNoLocalStateBehind() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> settings = new ArrayList<>();
    for (Map.Entry<Setting, String> topic : Topics.ofRun(run).entrySet()) {
      settings.add(topic.getKey().key() + "=" + topic.getValue());
    }
    Path config = tmp.resolve("cluster.properties");
    Files.write(config, settings);
    // every topic under the run's own names, as ops create them on a cluster
    ByteArrayOutputStream topicsOut = new ByteArrayOutputStream();
    StringWriter topicsErr = new StringWriter();
    int created =
        new CommandLine(new TopicsCommand(new PrintStream(topicsOut, true, StandardCharsets.UTF_8)))
            .setErr(new PrintWriter(topicsErr, true))
            .execute(
                "--config", config.toString(), "--bootstrap-servers", stack.bootstrapServers());
    assertThat(created).as("crashwatch topics: %s%s", topicsOut, topicsErr).isZero();

    // the JVM's temporary directory, where a run on your cluster keeps its local state
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    Path stateDir;
    try (CrashwatchProcess simulate =
        CrashwatchProcess.start(
            "simulate-stopped",
            Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp),
            List.of(
                "simulate",
                "--scenario",
                Path.of("..", "scenarios", "channel-file-291.json").toAbsolutePath().toString(),
                "--config",
                config.toString(),
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl()))) {
      await("the run's processor running")
          .atMost(Duration.ofMinutes(2))
          // the reason is built once, before the wait: it names the log rather than its empty tail
          .failFast("simulate exited; its output: " + simulate.log(), () -> !simulate.isAlive())
          .until(() -> simulate.output().contains("stream processor running"));
      Matcher m = STATE_DIR.matcher(simulate.output());
      assertThat(m.find()).as("the run names its local state:\n%s", simulate.tail()).isTrue();
      stateDir = Path.of(m.group(1));
      assertThat(stateDir).startsWith(javaTmp).isDirectory();
      simulate.close(); // SIGTERM: stopped mid-replay
      // SIGTERM's own status (128 + 15): the shutdown hooks ran to their end. The orphan guard's
      // halt, 10 s after the lifeline closes, would exit with 3 and cut the state's deletion short.
      assertThat(simulate.awaitExit(Duration.ZERO)).as("exit status after SIGTERM").isEqualTo(143);
      // Whatever failed in the command because the hooks closed its processor was handled as a
      // stop ("crashwatch: stopped"), not printed as an error from the command line's top.
      assertThat(simulate.output())
          .as("a stop is not an error: no stack trace through the command line")
          .doesNotContain("dev.crashwatch.launcher.Crashwatch.main(");
    }

    assertThat(stateDir).as("the stopped run's local state").doesNotExist();
    try (Stream<Path> left = Files.list(javaTmp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith("crashwatch-simulate-"));
    }
  }
}
