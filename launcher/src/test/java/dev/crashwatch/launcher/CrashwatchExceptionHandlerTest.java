package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What a command's exception becomes on the console: a stop while the JVM exits is no error (the
 * shutdown hooks closed what the command was using), anything else still fails loudly.
 */
class CrashwatchExceptionHandlerTest {

  @Command(name = "failing")
  static final class Failing implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("KafkaStreams is not running. State is PENDING_SHUTDOWN.");
    }
  }

  @Test
  void aFailureWhileTheJvmExitsIsAStop() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new Failing())
            .setErr(new PrintWriter(err, true))
            .setExecutionExceptionHandler(Crashwatch.exceptionHandler(() -> true))
            .execute();
    assertThat(code).isEqualTo(130);
    assertThat(err.toString()).isEqualToIgnoringNewLines("crashwatch: stopped");
  }

  @Test
  void theSameFailureWhileRunningIsNotHidden() {
    CommandLine cli =
        new CommandLine(new Failing())
            .setExecutionExceptionHandler(Crashwatch.exceptionHandler(() -> false));
    assertThatThrownBy(
            () ->
                cli.getExecutionExceptionHandler()
                    .handleExecutionException(new IllegalStateException("boom"), cli, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
  }
}
