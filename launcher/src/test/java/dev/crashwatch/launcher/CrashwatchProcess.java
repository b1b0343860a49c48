package dev.crashwatch.launcher;

import dev.crashwatch.localstack.OrphanGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code crashwatch} command in a JVM of its own, on this JVM's class path, with exactly the
 * {@code CRASHWATCH_*} environment it is given (none inherited), its output in a log file. It runs
 * under the local stack's {@link OrphanGuard}, so it dies with this JVM even on SIGKILL.
 */
final class CrashwatchProcess implements AutoCloseable {

  private static final String ORPHAN_GUARD = OrphanGuard.class.getName();

  private final String name;
  private final Process process;
  private final Path log;

  private CrashwatchProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static CrashwatchProcess start(String name, Map<String, String> env, List<String> args)
      throws IOException {
    return start(name, env, args, Path.of("").toAbsolutePath());
  }

  /** Like {@link #start(String, Map, List)}, in the working directory {@code dir}. */
  static CrashwatchProcess start(String name, Map<String, String> env, List<String> args, Path dir)
      throws IOException {
    Path log = Path.of("target", "processes", name + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // The command's own logging, as a user gets it (its warnings on the console, the rest in its
    // log file), not the test JVM's, which the shared class path would otherwise give it.
    command.add("-Dlogback.configurationFile=logback.xml");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ORPHAN_GUARD);
    command.add(Crashwatch.class.getName());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("CRASHWATCH_"));
    builder
        .environment()
        .put("CRASHWATCH_LOG_FILE", log.resolveSibling(name + "-full.log").toString());
    builder.environment().putAll(env);
    return new CrashwatchProcess(name, builder.start(), log);
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the exit code, or throws with the log's tail if it runs longer. */
  int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still running after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  /** The file its console output goes to. */
  Path log() {
    return log;
  }

  /** Everything it printed so far. */
  String output() throws IOException {
    return Files.readString(log);
  }

  /** The last lines it printed. */
  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /**
   * SIGTERM, as {@code docker stop} sends it: its shutdown hooks close Kafka clients cleanly and
   * get 30 s for it, then SIGKILL.
   */
  @Override
  public void close() throws Exception {
    OrphanGuard.stop(process, Duration.ofSeconds(30));
  }
}
