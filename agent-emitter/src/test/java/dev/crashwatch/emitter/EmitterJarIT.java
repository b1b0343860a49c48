package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The emitter as it ships: {@code java -jar target/crashwatch-emitter.jar --once}, alone on its
 * class path and with its JVM options, against the real broker and registry, delivers this host's
 * boot and a heartbeat, and drains an outage's backlog within its small heap; and the jar carries
 * no part of the simulator, the processor, RocksDB or the broker, nor Logback.
 */
class EmitterJarIT {

  /** The JVM options the jar ships with ({@code crashwatch emit} passes the same file). */
  static final Path JVM_OPTIONS = Path.of("emitter-jvm.options");

  static final Path JAR = Path.of("target", "crashwatch-emitter.jar");

  /**
   * Events spooled during the outage: five days offline at the default heartbeat (PT5M), three of
   * the sender's batches. The interpreter (-Xint) drains them in seconds; {@code --once} gives the
   * drain 30 s, which a backlog several times larger misses on a loaded machine.
   */
  private static final int BACKLOG = 1_500;

  @Test
  @Timeout(120)
  void theStandaloneJarDeliversABootAndAHeartbeat() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("jar-" + run);
    Path work = Files.createDirectories(Path.of("target", "emitter-jar-" + run)).toAbsolutePath();
    LocalStack stack = LocalStack.shared();
    stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());

    Path classLog = work.resolve("classes.log");
    String out =
        emitOnce(stack, topics, work, "jar-" + run, "-Xlog:class+load=info:file=" + classLog);

    assertThat(out).contains("device jar-" + run + " booted").contains("0 still spooled");
    // Lightweight: the endpoint's own events and a spool in its own schema need neither Avro's
    // schema classes nor Jackson's data binding, which they would bring (EndpointEvent).
    assertThat(Files.readAllLines(classLog))
        .as("classes the emitter loaded")
        .anyMatch(line -> line.contains(" org.apache.kafka.clients.producer.KafkaProducer "))
        .noneMatch(line -> line.contains(" org.apache.avro.Schema "))
        .noneMatch(line -> line.contains(" com.fasterxml.jackson.databind."));
    // Quiet: logging goes to the jar's own log file, not the console.
    assertThat(out).doesNotContain("INFO").doesNotContain("logback");
    assertThat(work.resolve(".crashwatch/logs/emitter.log")).exists();

    List<Delivered> delivered =
        TopicContents.readAll(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics);
    assertThat(delivered).anyMatch(d -> d.event() instanceof Boot);
    assertThat(delivered).anyMatch(d -> d.event() instanceof SensorHeartbeat);
  }

  /**
   * The burst the jar's small heap ({@code -Xmx} in {@link #JVM_OPTIONS}) must hold: a spool left
   * by a long outage, drained at once when the broker is back. The backlog is spooled here, with no
   * broker to send to, then the jar as it ships, its JVM options included, delivers it.
   */
  @Test
  @Timeout(180)
  void theStandaloneJarDrainsAnOutagesBacklogWithinItsHeap() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "backlog-" + run;
    Topics topics = TestEvents.topics(prefix);
    Path work = Files.createDirectories(Path.of("target", "emitter-jar-" + run)).toAbsolutePath();
    LocalStack stack = LocalStack.shared();
    stack.createTopics(3, topics.boots(), topics.crashes(), topics.heartbeats());
    Map<String, SpecificRecord> emitted = new LinkedHashMap<>();
    try (SpoolingEmitter outage =
        new SpoolingEmitter(
            work.resolve("spool"),
            SpoolConfig.defaults(),
            "127.0.0.1:" + FreePort.pick(),
            EventSerdes.connect(stack.schemaRegistryUrl()),
            topics)) {
      for (int n = 0; n < BACKLOG; n++) {
        TestEvents.emit(outage, prefix, n, emitted);
      }
      assertThat(outage.pending()).as("spooled while no broker exists").isEqualTo(BACKLOG);
    }

    long start = System.nanoTime();
    String out = emitOnce(stack, topics, work, "jar-" + run);
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(out).contains("0 still spooled").doesNotContain("OutOfMemoryError");
    List<Delivered> backlog =
        TopicContents.readAll(stack.bootstrapServers(), stack.schemaRegistryUrl(), topics).stream()
            .filter(d -> !("jar-" + run).equals(deviceOf(d.event())))
            .toList();
    ExactlyOnce.Figures figures = ExactlyOnce.assertExactlyOnceAfterDedup(emitted, backlog, topics);
    assertThat(figures.distinct()).isEqualTo(BACKLOG);
    System.out.printf(
        "emitter jar backlog figures: %d events spooled during an outage, delivered by the jar"
            + " with its JVM options (%s) in %.1f s from its start, %d distinct, lost %d%n",
        BACKLOG, JVM_OPTIONS, seconds, figures.distinct(), BACKLOG - figures.distinct());
  }

  private static String deviceOf(SpecificRecord event) {
    return String.valueOf(((GenericRecord) event).get("deviceId"));
  }

  /**
   * {@code java @emitter-jvm.options -jar crashwatch-emitter.jar --once} in {@code work}, against
   * the stack; returns its output once it exited 0.
   */
  private static String emitOnce(
      LocalStack stack, Topics topics, Path work, String device, String... jvmOptions)
      throws Exception {
    assertThat(JAR).as("the shaded jar, built at package before the ITs").exists();
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
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + JVM_OPTIONS.toAbsolutePath());
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
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
            device));
    Process emit =
        new ProcessBuilder(command)
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
    return out;
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
          .noneMatch(n -> n.startsWith("scala/"))
          // its logging is the JDK's, through slf4j-jdk14 (EmitterLogging), not Logback
          .noneMatch(n -> n.startsWith("ch/qos/logback/"));
      assertThat(names).contains("org/slf4j/jul/JDK14LoggerAdapter.class");
    }
  }
}
