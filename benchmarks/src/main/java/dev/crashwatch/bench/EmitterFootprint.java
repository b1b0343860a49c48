package dev.crashwatch.bench;

import dev.crashwatch.localstack.LocalStack;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The footprint of {@code crashwatch emit} at its default heartbeat: several emitter processes (one
 * per run, each its own device and spool) start at once against the embedded stack, beside an idle
 * JVM with the same options (the floor). Each emitter runs as users start it, from the emitter's
 * own shaded jar ({@code java -jar crashwatch-emitter.jar}, what {@code ./crashwatch emit} execs),
 * not on the launcher's or this benchmark's class path, which carry the broker and RocksDB.
 * Start-up is the time from spawning the process to its boot event being readable on the broker.
 * CPU is measured over exactly one heartbeat interval that starts after the first heartbeat
 * arrived, so it holds one heartbeat and everything the process does while idle (producer metadata
 * refreshes, the spool's timers), and is extrapolated to an hour. RSS is read at the end of that
 * interval.
 */
final class EmitterFootprint {

  static final long TARGET_RSS_MIB = 64;
  static final double TARGET_CPU_SECONDS_PER_HOUR = 1.0;
  static final double TARGET_JAR_MB = 20;
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private final PrintStream out;
  private final Path dir;
  private final Path emitterJar;

  /**
   * @param emitterJar the emitter's shaded jar ({@code
   *     agent-emitter/target/crashwatch-emitter.jar})
   */
  EmitterFootprint(PrintStream out, Path dir, Path emitterJar) {
    this.out = out;
    this.dir = dir;
    this.emitterJar = emitterJar;
  }

  record Result(double startSeconds, double rssMib, double cpuSecondsPerHour) {}

  Result run(int processes, Duration heartbeat, String javaOptions) throws Exception {
    if (!Files.isRegularFile(emitterJar)) {
      throw new IllegalStateException(
          "no emitter jar at "
              + emitterJar.toAbsolutePath()
              + ": build it with ./mvnw -pl agent-emitter -am package -DskipTests, or pass"
              + " --emitter-jar");
    }
    out.println(Machine.describe());
    double jarMb = Files.size(emitterJar) / 1e6;
    out.printf(
        "emitter jar %s: %.1f MB (target <= %.0f MB: %s)%n",
        emitterJar, jarMb, TARGET_JAR_MB, Figures.atMost(jarMb, TARGET_JAR_MB));
    try (LocalStack stack = LocalStack.start(dir.resolve("stack"))) {
      dev.crashwatch.schema.Topics topics = dev.crashwatch.schema.Topics.defaults();
      stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());
      Map<String, Long> bootSeen = new ConcurrentHashMap<>();
      Map<String, Long> heartbeatSeen = new ConcurrentHashMap<>();
      try (KafkaConsumer<String, byte[]> consumer = tail(stack, topics)) {
        List<Process> emitters = new ArrayList<>();
        Map<String, Long> spawned = new HashMap<>();
        Process idle =
            spawn(
                javaOptions,
                List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()),
                "idle");
        try {
          out.printf(
              "starting %d emitters (heartbeat every %s, java options \"%s\") and an idle JVM...%n",
              processes, heartbeat, javaOptions);
          for (int i = 1; i <= processes; i++) {
            String device = "bench-emitter-" + i;
            List<String> args =
                List.of(
                    "-jar",
                    emitterJar.toString(),
                    "--bootstrap-servers",
                    stack.bootstrapServers(),
                    "--schema-registry-url",
                    stack.schemaRegistryUrl(),
                    "--device-id",
                    device,
                    "--spool-dir",
                    Files.createDirectories(dir.resolve("spool-" + i)).toString(),
                    "--heartbeat-every",
                    heartbeat.toString());
            if (i == 1) {
              out.printf("  emitter command: java %s %s%n", javaOptions, String.join(" ", args));
            }
            spawned.put(device, System.nanoTime());
            emitters.add(spawn(javaOptions, args, device));
          }
          long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
          while (heartbeatSeen.size() < processes) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(
                  "emitters did not deliver their first heartbeat in 2 minutes; see " + dir);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
              (r.topic().equals(topics.boots()) ? bootSeen : heartbeatSeen)
                  .putIfAbsent(r.key(), System.nanoTime());
            }
          }
          Thread.sleep(Math.min(SETTLE.toMillis(), heartbeat.toMillis()));
          List<ProcFigures> before = emitters.stream().map(p -> ProcFigures.of(p.pid())).toList();
          out.printf("  measuring CPU over one heartbeat interval (%s)...%n", heartbeat);
          Thread.sleep(heartbeat.toMillis());
          List<Double> starts = new ArrayList<>();
          List<Double> rss = new ArrayList<>();
          List<Double> cpuPerHour = new ArrayList<>();
          for (int i = 0; i < processes; i++) {
            String device = "bench-emitter-" + (i + 1);
            Process p = emitters.get(i);
            if (!p.isAlive()) {
              throw new IllegalStateException(device + " exited with " + p.exitValue());
            }
            ProcFigures after = ProcFigures.of(p.pid());
            double start = (bootSeen.get(device) - spawned.get(device)) / 1e9;
            double cpuMs = after.cpuMillis() - before.get(i).cpuMillis();
            double perHour =
                cpuMs / 1000.0 * (Duration.ofHours(1).toMillis() / (double) heartbeat.toMillis());
            starts.add(start);
            rss.add(after.rssKib() / 1024.0);
            cpuPerHour.add(perHour);
            out.printf(
                "  emitter %d: start to boot event on the broker %.2f s; RSS %.1f MiB (peak %.1f);"
                    + " CPU %,.0f ms in %s, %.2f s per hour%n",
                i + 1,
                start,
                after.rssKib() / 1024.0,
                after.peakRssKib() / 1024.0,
                cpuMs,
                heartbeat,
                perHour);
          }
          ProcFigures floor = ProcFigures.of(idle.pid());
          Result r =
              new Result(Figures.median(starts), Figures.median(rss), Figures.median(cpuPerHour));
          out.printf(
              "emitter footprint, median of %d: start %.2f s; RSS %.1f MiB (target <= %d: %s;"
                  + " an idle JVM with the same options: %.1f MiB, ratio %.2f); CPU %.2f s per hour"
                  + " (target < %.1f: %s), extrapolated from one %s interval%n",
              processes,
              r.startSeconds(),
              r.rssMib(),
              TARGET_RSS_MIB,
              Figures.atMost(r.rssMib(), TARGET_RSS_MIB),
              floor.rssKib() / 1024.0,
              r.rssMib() / (floor.rssKib() / 1024.0),
              r.cpuSecondsPerHour(),
              TARGET_CPU_SECONDS_PER_HOUR,
              Figures.atMost(r.cpuSecondsPerHour(), TARGET_CPU_SECONDS_PER_HOUR),
              heartbeat);
          return r;
        } finally {
          emitters.forEach(Process::destroy);
          idle.destroy();
        }
      }
    }
  }

  private KafkaConsumer<String, byte[]> tail(
      LocalStack stack, dev.crashwatch.schema.Topics topics) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        List.of(new TopicPartition(topics.boots(), 0), new TopicPartition(topics.heartbeats(), 0));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }

  /**
   * A JVM with these options and arguments, its output to a file under the benchmark's directory.
   */
  private Process spawn(String javaOptions, List<String> arguments, String name) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!javaOptions.isBlank()) {
      cmd.addAll(Arrays.asList(javaOptions.trim().split("\\s+")));
    }
    cmd.addAll(arguments);
    File log = dir.resolve(name + ".out").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("CRASHWATCH_LOG_FILE", dir.resolve(name + ".log").toString());
    return pb.start();
  }
}
