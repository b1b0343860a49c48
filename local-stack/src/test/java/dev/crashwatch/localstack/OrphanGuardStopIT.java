package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OrphanGuard#stop} gives a child's shutdown hooks the whole grace the parent grants, even
 * when they take longer than the guard's own halt grace. With {@code Process.destroy}, which also
 * closes the child's stdin, the guard halted a stopped {@code crashwatch simulate} 10 s after
 * SIGTERM, before its hook had deleted the run's local state.
 */
class OrphanGuardStopIT {

  @TempDir Path tmp;

  @Test
  void aStoppedChildRunsItsShutdownHooksToTheEndPastTheGuardsHaltGrace() throws Exception {
    Path done = tmp.resolve("hooks-finished");
    long shutdownMillis = OrphanGuard.HALT_AFTER_MILLIS + 2_000;
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanGuard.class.getName(),
                SlowShutdownMain.class.getName(),
                done.toString(),
                Long.toString(shutdownMillis))
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).as("the child's first line").isEqualTo(SlowShutdownMain.READY);

      boolean inTime = OrphanGuard.stop(child, Duration.ofMillis(shutdownMillis + 20_000));

      assertThat(inTime).as("exited within the grace").isTrue();
      assertThat(done).as("the hook's file: it ran to its end").hasContent("hooks finished");
      assertThat(child.exitValue()).as("exit status of SIGTERM, not the guard's").isEqualTo(143);
      assertThat(out.lines().toList()).as("the child's further output").isEqualTo(List.of());
    } finally {
      child.destroyForcibly();
    }
  }
}
