package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The emitter as it ships: {@code java -jar target/crashwatch-emitter.jar --once}, alone on its
 * class path, against the real broker and registry, delivers this host's boot and a heartbeat; and
 * the jar carries no part of the simulator, the processor, RocksDB or the broker.
 */
class EmitterJarIT {

  static final Path JAR = Path.of("target", "crashwatch-emitter.jar");

  @Test
  @Timeout(120)
  void theStandaloneJarDeliversABootAndAHeartbeat() throws Exception {
    assertThat(JAR).as("the shaded jar, built at package before the ITs").exists();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("jar-" + run);
    Path work = Files.createDirectories(Path.of("target", "emitter-jar-" + run)).toAbsolutePath();
    LocalStack stack = LocalStack.shared();
    stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());
    Path config = work.resolve("emitter.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "topic.boots=" + topics.boots(),
            "topic.crashes=" + topics.crashes(),
            "topic.heartbeats=" + topics.heartbeats(),
            ""));
    Path output = work.resolve("emit.out");
    Process emit =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--once",
                "--config",
                config.toString(),
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--schema-registry-url",
                stack.schemaRegistryUrl(),
                "--spool-dir",
                work.resolve("spool").toString(),
                "--device-id",
                "jar-" + run)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      await("emit --once reported what it delivered")
          .atMost(Duration.ofSeconds(90))
          .failFast("emit exited early", () -> !emit.isAlive() && emit.exitValue() != 0)
          .until(() -> Files.readString(output).contains("still spooled"));
      // Well under the shutdown hook's 40 s bound: --once exits when done, not when the hook
      // gives up waiting.
      assertThat(emit.waitFor(20, TimeUnit.SECONDS)).as("emit --once exited").isTrue();
    } finally {
      emit.destroyForcibly();
    }
    String out = Files.readString(output);
    assertThat(emit.exitValue()).as("exit status; output:%n%s", out).isZero();
    assertThat(out).contains("device jar-" + run + " booted").contains("0 still spooled");
    // Quiet: logging goes to the jar's own log file, not the console.
    assertThat(out).doesNotContain("INFO").doesNotContain("logback");
    assertThat(work.resolve(".crashwatch/logs/emitter.log")).exists();

    List<Delivered> delivered =
        TopicContents.readAll(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
    assertThat(delivered).anyMatch(d -> d.event() instanceof Boot);
    assertThat(delivered).anyMatch(d -> d.event() instanceof SensorHeartbeat);
  }

  @Test
  void theJarCarriesOnlyTheEmitter() throws Exception {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();
      assertThat(names).contains("dev/crashwatch/emitter/cli/EmitCommand.class");
      assertThat(names)
          .noneMatch(n -> n.startsWith("dev/crashwatch/simulator/"))
          .noneMatch(n -> n.startsWith("dev/crashwatch/processor/"))
          .noneMatch(n -> n.startsWith("org/rocksdb/"))
          .noneMatch(n -> n.startsWith("kafka/server/"))
          .noneMatch(n -> n.startsWith("scala/"));
    }
  }
}
