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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
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
 * refreshes, the JVM's own timers), and is scaled to an hour. RSS is read at the end of that
 * interval. Beside them, in the same run: the same emitter with baseline JVM options (the options
 * the figures had before, for a before and after measured the same way), and one more emitter with
 * the JVM's native memory tracking on, whose CPU by thread over the interval and committed memory
 * by category say where the figures go.
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

  /**
   * The environment {@code ./crashwatch emit} starts the emitter with (its {@code exec} line): two
   * glibc malloc arenas. The idle JVM gets it too; the baseline, the emitter as it ran before, does
   * not.
   */
  static final Map<String, String> EMITTER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  /**
   * One kind of emitter process in the run: its JVM options, environment and processes' device ids.
   */
  private record Group(
      String label, String javaOptions, Map<String, String> environment, List<String> devices) {}

  /**
   * @param javaOptions the emitter's JVM options (what {@code crashwatch emit} uses)
   * @param baselineOptions options to measure the same emitter with beside it, for a before and
   *     after in one run; blank for none
   */
  Result run(int processes, Duration heartbeat, String javaOptions, String baselineOptions)
      throws Exception {
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
    List<Group> groups = new ArrayList<>();
    groups.add(
        new Group(
            "emitter", javaOptions, EMITTER_ENVIRONMENT, devices("bench-emitter-", processes)));
    if (!baselineOptions.isBlank()) {
      groups.add(
          new Group("baseline", baselineOptions, Map.of(), devices("bench-baseline-", processes)));
    }
    // One more, with the JVM's native memory tracking on (which costs memory of its own), for the
    // breakdown only: its figures are not in the medians.
    Group tracked =
        new Group(
            "tracked",
            javaOptions + " " + NativeMemory.TRACKING_OPTION,
            EMITTER_ENVIRONMENT,
            List.of("bench-nmt"));
    groups.add(tracked);
    int total = groups.stream().mapToInt(g -> g.devices().size()).sum();
    try (LocalStack stack = LocalStack.start(dir.resolve("stack"))) {
      dev.crashwatch.schema.Topics topics = dev.crashwatch.schema.Topics.defaults();
      stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());
      Map<String, Long> bootSeen = new ConcurrentHashMap<>();
      Map<String, Long> heartbeatSeen = new ConcurrentHashMap<>();
      try (KafkaConsumer<String, byte[]> consumer = tail(stack, topics)) {
        Map<String, Process> emitters = new LinkedHashMap<>();
        Map<String, Long> spawned = new HashMap<>();
        Process idle =
            spawn(
                javaOptions,
                EMITTER_ENVIRONMENT,
                List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()),
                "idle");
        try {
          out.printf(
              "starting %d emitters (heartbeat every %s) and an idle JVM...%n", total, heartbeat);
          int spoolNumber = 0;
          for (Group group : groups) {
            for (String device : group.devices()) {
              spoolNumber++;
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
                      Files.createDirectories(dir.resolve("spool-" + spoolNumber)).toString(),
                      "--heartbeat-every",
                      heartbeat.toString());
              if (device.equals(group.devices().get(0))) {
                out.printf(
                    "  %s command: %sjava %s %s%n",
                    group.label(),
                    group.environment().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue() + " ")
                        .collect(Collectors.joining()),
                    group.javaOptions(),
                    String.join(" ", args));
              }
              spawned.put(device, System.nanoTime());
              emitters.put(device, spawn(group.javaOptions(), group.environment(), args, device));
            }
          }
          long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
          while (heartbeatSeen.size() < total) {
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
          Map<String, ProcFigures> before = new HashMap<>();
          Map<String, ThreadCpu> threadsBefore = new HashMap<>();
          emitters.forEach(
              (device, p) -> {
                before.put(device, ProcFigures.of(p.pid()));
                threadsBefore.put(device, ThreadCpu.of(p.pid()));
              });
          out.printf("  measuring CPU over one heartbeat interval (%s)...%n", heartbeat);
          Thread.sleep(heartbeat.toMillis());
          ProcFigures floor = ProcFigures.of(idle.pid());
          double floorMib = floor.rssKib() / 1024.0;
          Result result = null;
          for (Group group : groups) {
            List<Double> starts = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            List<Double> cpuPerHour = new ArrayList<>();
            for (String device : group.devices()) {
              Process p = emitters.get(device);
              if (!p.isAlive()) {
                throw new IllegalStateException(device + " exited with " + p.exitValue());
              }
              ProcFigures after = ProcFigures.of(p.pid());
              double start = (bootSeen.get(device) - spawned.get(device)) / 1e9;
              double cpuMs = after.cpuMillis() - before.get(device).cpuMillis();
              double perHour =
                  cpuMs / 1000.0 * (Duration.ofHours(1).toMillis() / (double) heartbeat.toMillis());
              starts.add(start);
              rss.add(after.rssKib() / 1024.0);
              cpuPerHour.add(perHour);
              out.printf(
                  "  %s: start to boot event on the broker %.2f s; RSS %.1f MiB (peak %.1f);"
                      + " CPU %,.0f ms in %s, %.2f s per hour%n",
                  device,
                  start,
                  after.rssKib() / 1024.0,
                  after.peakRssKib() / 1024.0,
                  cpuMs,
                  heartbeat,
                  perHour);
            }
            if (group == tracked) {
              Process p = emitters.get(group.devices().get(0));
              printThreads(ThreadCpu.of(p.pid()).since(threadsBefore.get(group.devices().get(0))));
              printNativeMemory(NativeMemory.of(p.pid()), rss.get(0));
              continue;
            }
            Result r =
                new Result(Figures.median(starts), Figures.median(rss), Figures.median(cpuPerHour));
            out.printf(
                "%s footprint (java %s), median of %d: start %.2f s; RSS %.1f MiB (target <= %d:"
                    + " %s; an idle JVM with the emitter's options: %.1f MiB, ratio %.2f); CPU"
                    + " %.2f s per hour (target < %.1f: %s), measured over one %s interval%n",
                group.label(),
                group.javaOptions(),
                group.devices().size(),
                r.startSeconds(),
                r.rssMib(),
                TARGET_RSS_MIB,
                Figures.atMost(r.rssMib(), TARGET_RSS_MIB),
                floorMib,
                r.rssMib() / floorMib,
                r.cpuSecondsPerHour(),
                TARGET_CPU_SECONDS_PER_HOUR,
                Figures.atMost(r.cpuSecondsPerHour(), TARGET_CPU_SECONDS_PER_HOUR),
                heartbeat);
            if (result == null) {
              result = r;
            }
          }
          return result;
        } finally {
          emitters.values().forEach(Process::destroy);
          idle.destroy();
        }
      }
    }
  }

  private static List<String> devices(String prefix, int count) {
    List<String> devices = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      devices.add(prefix + i);
    }
    return devices;
  }

  /** Where the CPU of the interval went, by thread, busiest first. */
  private void printThreads(Map<String, Long> nanosByThread) {
    StringBuilder line = new StringBuilder("  CPU in the interval by thread (ms):");
    nanosByThread.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1e6)));
    out.println(line);
  }

  /**
   * The JVM's own breakdown of its committed memory, the largest categories, in MiB, and the
   * classes it loaded.
   */
  private void printNativeMemory(NativeMemory.Summary summary, double rssMib) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                "  committed memory by the JVM's native memory tracking (MiB), RSS %.1f, %,d classes"
                    + " loaded:",
                rssMib, summary.loadedClasses()));
    summary.committedKib().entrySet().stream()
        .filter(e -> e.getValue() >= 512)
        .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1024.0)));
    out.println(line);
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
  private Process spawn(
      String javaOptions, Map<String, String> environment, List<String> arguments, String name)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!javaOptions.isBlank()) {
      cmd.addAll(Arrays.asList(javaOptions.trim().split("\\s+")));
    }
    cmd.addAll(arguments);
    File log = dir.resolve(name + ".out").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
    pb.environment().putAll(environment);
    pb.environment().put("CRASHWATCH_LOG_FILE", dir.resolve(name + ".log").toString());
    return pb.start();
  }
}
