package dev.crashwatch.launcher;

import dev.crashwatch.config.Setting;
import dev.crashwatch.localstack.OrphanGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream processor in a JVM of its own ({@code crashwatch process} on this class path), so that
 * a benchmark measures its heap and resident set apart from the simulator and the broker that share
 * the launcher's JVM. Its settings go in a file (no secrets: the embedded plaintext stack only),
 * its log to a file of its own; it exits when this JVM dies ({@link OrphanGuard}).
 *
 * <p>While it runs, a sampler reads once a second its used heap and allocated bytes from its
 * Prometheus endpoint (Micrometer's JVM meters) and its resident set's high-water mark from {@code
 * /proc}.
 */
final class ProcessorJvm implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorJvm.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path logFile;
  private final URI metrics;
  private final URI ready;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long peakHeap;
  private volatile long peakRss;
  private volatile double allocated;

  private ProcessorJvm(Process process, Path logFile, int port) {
    this.process = process;
    this.logFile = logFile;
    this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    this.ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
    this.sampler = new Thread(this::sampleLoop, "processor-jvm-sampler");
    sampler.setDaemon(true);
  }

  /**
   * Starts {@code crashwatch process} with {@code settings} (keys of the processor's settings) and
   * {@code jvmOptions}, its settings file in {@code dir}, its log and console output in {@code
   * logDir}; returns once it is ready (RUNNING, its global catalogue restored, its input lag within
   * bounds).
   */
  static ProcessorJvm start(
      Map<String, String> settings,
      List<String> jvmOptions,
      Path dir,
      Path logDir,
      Duration readyTimeout)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.createDirectories(logDir);
    int port = freeLoopbackPort();
    Path config = dir.resolve("processor.properties");
    Properties props = new Properties();
    props.putAll(settings);
    props.put("metrics.port", Integer.toString(port));
    try (Writer w = Files.newBufferedWriter(config)) {
      props.store(w, "written by crashwatch full-scale for its processor JVM");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OrphanGuard.class.getName());
    command.add(Crashwatch.class.getName());
    command.add("process");
    command.add("--config");
    command.add(config.toString());
    Path logFile = logDir.resolve("processor.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logDir.resolve("processor.out").toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> env = builder.environment();
    // The file's values must win: the environment would override them in the child.
    props.stringPropertyNames().forEach(key -> env.remove(Setting.envName(key)));
    env.put("CRASHWATCH_LOG_FILE", logFile.toString());
    ProcessorJvm jvm = new ProcessorJvm(builder.start(), logFile, port);
    try {
      jvm.awaitReady(readyTimeout);
    } catch (RuntimeException | InterruptedException e) {
      jvm.close();
      throw e;
    }
    jvm.sampler.start();
    return jvm;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (get(ready) == null) {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the processor JVM exited with status " + process.exitValue() + "; see " + logFile);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the processor JVM was not ready within " + timeout + "; see " + logFile);
      }
    }
  }

  /** The body of a 200 answer, or null for anything else (not up yet, not ready, gone). */
  private String get(URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void sampleLoop() {
    while (running) {
      if (!process.isAlive()) {
        // Otherwise the run only times out waiting for a processor that is gone.
        LOG.error(
            "the processor JVM exited with status {}; see {} and processor.out beside it",
            process.exitValue(),
            logFile);
        return;
      }
      sample();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    String body = get(metrics);
    if (body != null) {
      peakHeap = Math.max(peakHeap, (long) sum(body, "jvm_memory_used_bytes{", "area=\"heap\""));
      allocated = Math.max(allocated, sum(body, "jvm_gc_memory_allocated_bytes_total{", ""));
    }
    peakRss = Math.max(peakRss, ResourceSampler.peakRssOf(Long.toString(process.pid())));
  }

  /** The sum of the Prometheus samples of one metric whose labels contain {@code label}. */
  static double sum(String exposition, String metricPrefix, String label) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(metricPrefix) && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  long pid() {
    return process.pid();
  }

  Path logFile() {
    return logFile;
  }

  /** The highest used heap a sample saw (live data plus garbage not yet collected). */
  long peakHeapBytes() {
    return peakHeap;
  }

  /** The kernel's high-water mark of the processor JVM's resident set, at the last sample. */
  long peakRssBytes() {
    return peakRss;
  }

  /** Bytes the processor JVM allocated, as its collector counted them at the last sample. */
  double allocatedBytes() {
    return allocated;
  }

  /** Stops the processor (SIGTERM: it commits and closes its stores), killing it if it hangs. */
  @Override
  public void close() throws InterruptedException {
    if (running && process.isAlive()) {
      sample();
    }
    running = false;
    sampler.interrupt();
    OrphanGuard.stop(process, STOP_TIMEOUT);
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the processor's metrics", e);
    }
  }
}
