package dev.crashwatch.emitter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emitter jar's logging on {@code java.util.logging}: quiet console, everything in the file,
 * library chatter cut to warnings, as the Logback configuration it replaces did.
 */
class EmitterLoggingTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final PrintStream stderr = System.err;

  @AfterEach
  void restoreTheJdkDefaults() throws IOException {
    System.setErr(stderr);
    LogManager.getLogManager().readConfiguration(); // closes the handlers configured here
  }

  /** Configures with these variables, the console being a buffer this test reads. */
  private void configure(Map<String, String> env) throws IOException {
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    EmitterLogging.configure(env);
  }

  @Test
  void theConsoleShowsOnlyTheEmittersOwnWarningsAndTheFileEverything() throws IOException {
    Path file = dir.resolve("logs/emitter.log");
    configure(Map.of(EmitterLogging.LOG_FILE_VARIABLE, file.toString()));

    Logger.getLogger("dev.crashwatch.emitter.SpoolingEmitter").warning("spool almost full");
    Logger.getLogger("dev.crashwatch.emitter.SpoolingEmitter").info("delivered 3");
    Logger.getLogger("org.apache.kafka.clients.NetworkClient").info("connected to node 1");
    Logger.getLogger("org.apache.kafka.clients.NetworkClient").warning("connection refused");

    String shown = console.toString(StandardCharsets.UTF_8);
    assertThat(shown)
        .isEqualTo(
            "crashwatch emit: WARN  d.c.e.SpoolingEmitter - spool almost full"
                + System.lineSeparator());
    String logged = Files.readString(file);
    assertThat(logged)
        .contains("WARN  [main] d.crashwatch.emitter.SpoolingEmitter - spool almost full")
        .contains("INFO  [main] d.crashwatch.emitter.SpoolingEmitter - delivered 3")
        .contains("WARN  [main] o.apache.kafka.clients.NetworkClient - connection refused")
        .doesNotContain("connected to node 1");
    assertThat(logged.lines()).hasSize(3);
  }

  @Test
  void theConsoleLevelVariableShowsEveryLoggerOnTheConsole() throws IOException {
    configure(
        Map.of(
            EmitterLogging.LOG_FILE_VARIABLE,
            dir.resolve("emitter.log").toString(),
            EmitterLogging.CONSOLE_LEVEL_VARIABLE,
            "debug"));

    Logger.getLogger("dev.crashwatch.serde.RegistryClient").fine("asked the registry");
    Logger.getLogger("org.apache.kafka.clients.NetworkClient").warning("connection refused");

    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("DEBUG d.c.s.RegistryClient - asked the registry")
        .contains("WARN  o.a.k.c.NetworkClient - connection refused");
  }

  @Test
  void aStackTraceGoesToTheFileWithItsLine() throws IOException {
    Path file = dir.resolve("emitter.log");
    configure(Map.of(EmitterLogging.LOG_FILE_VARIABLE, file.toString()));

    Logger.getLogger("dev.crashwatch.emitter.X")
        .log(Level.SEVERE, "send failed", new IllegalStateException("broker gone"));

    assertThat(Files.readString(file))
        .contains("ERROR [main] dev.crashwatch.emitter.X - send failed")
        .contains("java.lang.IllegalStateException: broker gone")
        .contains("at dev.crashwatch.emitter.cli.EmitterLoggingTest");
  }

  @Test
  void aBadConsoleLevelNamesTheVariable() {
    assertThatThrownBy(() -> EmitterLogging.level("LOUD"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(EmitterLogging.CONSOLE_LEVEL_VARIABLE)
        .hasMessageContaining("LOUD");
  }

  @Test
  void loggerNamesShortenTheirPackagesFromTheLeftAsLogbackDoes() {
    assertThat(EmitterLogging.abbreviate("dev.crashwatch.serde.RegistryClient", 36))
        .isEqualTo("dev.crashwatch.serde.RegistryClient");
    assertThat(EmitterLogging.abbreviate("dev.crashwatch.serde.RegistryClient", 24))
        .isEqualTo("d.c.serde.RegistryClient");
    assertThat(EmitterLogging.abbreviate("dev.crashwatch.serde.RegistryClient", 5))
        .isEqualTo("d.c.s.RegistryClient");
    assertThat(EmitterLogging.abbreviate("NoPackage", 3)).isEqualTo("NoPackage");
  }
}
