package dev.crashwatch.emitter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EmitterChild} in a JVM of its own (this JVM's class path), and what it reported on
 * standard output so far. It runs under the local stack's {@code OrphanGuard}, so it dies with this
 * JVM however this one ends.
 */
final class EmitterProcess implements AutoCloseable {

  private static final String ORPHAN_GUARD = "dev.crashwatch.localstack.OrphanGuard";

  private final Process process;
  private final Thread reader;
  private final List<String> accepted = new ArrayList<>();
  private final List<String> unexpected = new ArrayList<>();
  private String drained;

  private EmitterProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::readLines, "emitter-child-" + process.pid() + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a child with {@link EmitterChild}'s arguments; its standard error goes to {@code log}.
   */
  static EmitterProcess start(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; the load is small
    // The same SLF4J binding as this JVM (the pom picks Logback for the tests).
    String provider = System.getProperty("slf4j.provider");
    if (provider != null) {
      command.add("-Dslf4j.provider=" + provider);
    }
    // its own log file in target/test-logs (test-logging/logback-test.xml), named after its
    // standard error's file and that file's directory (a test's own)
    String name = log.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    command.add("-Dcrashwatch.test.log=emitter-" + log.getParent().getFileName() + "-" + name);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ORPHAN_GUARD);
    command.add(EmitterChild.class.getName());
    command.addAll(List.of(args));
    return new EmitterProcess(
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start());
  }

  /** The ids it reported accepted so far, in order. */
  synchronized List<String> accepted() {
    return List.copyOf(accepted);
  }

  /** The pending count it reported when it finished, if it did. */
  synchronized Optional<Long> drained() {
    return Optional.ofNullable(drained).map(Long::valueOf);
  }

  /** Lines that are not the protocol: none, unless something else writes to standard output. */
  synchronized List<String> unexpectedLines() {
    return List.copyOf(unexpected);
  }

  /** SIGKILL (on Linux {@code destroyForcibly} is {@code kill -9}); returns the exit status. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the process to end and its output to be read; returns its exit status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("emitter child " + process.pid() + " still runs");
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    if (reader.isAlive()) {
      throw new IllegalStateException("stdout of emitter child " + process.pid() + " not drained");
    }
    return process.exitValue();
  }

  /** Complete lines only: a partial last line, cut by the kill, is no report. */
  private void readLines() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          report(line.toString(StandardCharsets.US_ASCII));
          line.reset();
        } else {
          line.write(b);
        }
      }
    } catch (IOException e) {
      // the pipe closes when the child dies
    }
  }

  private synchronized void report(String line) {
    if (line.startsWith(EmitterChild.ACCEPTED)) {
      accepted.add(line.substring(EmitterChild.ACCEPTED.length()));
    } else if (line.startsWith(EmitterChild.DRAINED)) {
      drained = line.substring(EmitterChild.DRAINED.length());
    } else {
      unexpected.add(line);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
