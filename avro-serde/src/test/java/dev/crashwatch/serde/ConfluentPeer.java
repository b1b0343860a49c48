package dev.crashwatch.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/python/confluent_peer.py, Confluent's Python Avro client, as a child process with
 * bounded waits. Output goes to files, so a chatty child can never block on a full pipe.
 */
final class ConfluentPeer {
  static final String PYTHON = "/usr/bin/python3";
  static final Path SCRIPT = Path.of("src", "test", "python", "confluent_peer.py").toAbsolutePath();

  record Result(int exitCode, String stdout, String stderr) {
    List<String> lines() {
      return stdout.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private ConfluentPeer() {}

  /** Whether this machine has Confluent's Python Avro client (Debian: python3-confluent-kafka). */
  static boolean available() {
    try {
      return run(Duration.ofSeconds(30), "", List.of("-c", "import confluent_kafka.avro"))
              .exitCode()
          == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs the peer script with {@code args}; fails unless it exits 0 within {@code timeout}. */
  static Result script(Duration timeout, String stdin, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    Result r = run(timeout, stdin, command);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          "confluent_peer.py "
              + String.join(" ", args)
              + " exited "
              + r.exitCode()
              + ":\n"
              + r.stderr()
              + r.stdout());
    }
    return r;
  }

  private static Result run(Duration timeout, String stdin, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(PYTHON);
    command.addAll(args);
    Path out = Files.createTempFile("confluent-peer", ".out");
    Path err = Files.createTempFile("confluent-peer", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("PYTHONIOENCODING", "utf-8");
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "python peer did not finish within "
                + timeout
                + ": "
                + command
                + "\n"
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
