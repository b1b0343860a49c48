package dev.crashwatch.launcher;

import dev.crashwatch.emitter.cli.EmitCommand;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;

/** The {@code ./crashwatch} command line. Each subcommand is one job. */
@Command(
    name = "crashwatch",
    mixinStandardHelpOptions = true,
    version = "crashwatch 0.1.0",
    description = "Fleet-wide crash detection on Kafka: telemetry in, rollback signals out.",
    subcommands = {
      DemoCommand.class,
      SimulateCommand.class,
      SuiteCommand.class,
      BacktestCommand.class,
      EmitCommand.class,
      FullScaleCommand.class,
      LocalStackCommand.class,
      ProcessCommand.class,
      CatalogueCommand.class,
      VendorsCommand.class,
      SchemasCommand.class,
      DashboardCommand.class,
      SignalsCommand.class,
      DeadLettersCommand.class,
      TopicsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Crashwatch {

  public static void main(String[] args) {
    // --controller on|off: option words in lower case, enum constants in upper
    CommandLine cli = new CommandLine(new Crashwatch()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(exceptionHandler(Crashwatch::exiting));
    System.exit(cli.execute(args));
  }

  /**
   * What a command's exception becomes: a bad option or config value is the user's to fix (the
   * message, not a stack trace: exit 2), a refusal by the cluster says so (exit 3), and anything
   * that fails while the JVM is {@code exiting} (Ctrl-C, SIGTERM: the shutdown hooks close what the
   * command is still using, and what then fails in it is no error of its own) is a stop (exit 130).
   */
  static IExecutionExceptionHandler exceptionHandler(BooleanSupplier exiting) {
    return (e, commandLine, parseResult) -> {
      if (e instanceof dev.crashwatch.config.ConfigException
          || e instanceof dev.crashwatch.simulator.scenario.ScenarioException) {
        commandLine.getErr().println("crashwatch: " + e.getMessage());
        return 2;
      }
      if (exiting.getAsBoolean()) {
        commandLine.getErr().println("crashwatch: stopped");
        return 130;
      }
      // Refused by the cluster's ACLs or login: say so, without a stack trace to read.
      Throwable refused = refusal(e);
      if (refused != null) {
        commandLine.getErr().println("crashwatch: refused by the cluster: " + refused);
        return 3;
      }
      throw e;
    };
  }

  /** Whether the JVM has begun to exit: Runtime's own answer, as it refuses a new hook then. */
  private static boolean exiting() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException shutdownInProgress) {
      return true;
    }
  }

  private static Throwable refusal(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof org.apache.kafka.common.errors.AuthorizationException
          || c instanceof org.apache.kafka.common.errors.AuthenticationException) {
        return c;
      }
    }
    return null;
  }
}
