package dev.crashwatch.emitter.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The emitter jar's logging: the JDK's {@code java.util.logging} behind SLF4J ({@code
 * slf4j-jdk14}), not Logback, whose configuration, appenders and XML parser were about 600 loaded
 * classes of an agent that writes a line a day. The same behaviour as the launcher's Logback
 * configuration: the console shows only the emitter's own warnings and errors; every line, Kafka's
 * warnings included, goes to the log file ({@code CRASHWATCH_LOG_FILE} moves it); {@code
 * CRASHWATCH_CONSOLE_LOG_LEVEL=INFO} (or WARN, DEBUG) also shows every logger on the console.
 */
final class EmitterLogging {

  static final String LOG_FILE_VARIABLE = "CRASHWATCH_LOG_FILE";
  static final String CONSOLE_LEVEL_VARIABLE = "CRASHWATCH_CONSOLE_LOG_LEVEL";
  static final String DEFAULT_LOG_FILE = ".crashwatch/logs/emitter.log";

  /** Libraries whose INFO lines are noise at an endpoint: only their warnings are kept. */
  private static final List<String> QUIET_LIBRARIES =
      List.of("org.apache.kafka", "org.apache.avro");

  private static final String OWN_LOGGERS = "dev.crashwatch";

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final DateTimeFormatter CONSOLE_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  /**
   * The configured loggers, held: the JDK's log manager keeps loggers only weakly, and a logger
   * collected and created again would have lost its level and handlers.
   */
  private static final List<Logger> CONFIGURED = new ArrayList<>();

  private EmitterLogging() {}

  /** Replaces the JDK's default logging configuration (INFO and up of everything on stderr). */
  static synchronized void configure(Map<String, String> env) throws IOException {
    Level consoleLevel = level(env.getOrDefault(CONSOLE_LEVEL_VARIABLE, "OFF"));
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    // INFO, or lower when the console asks for DEBUG: every logger shows on the console then.
    root.setLevel(consoleLevel.intValue() < Level.INFO.intValue() ? consoleLevel : Level.INFO);
    root.addHandler(fileHandler(Path.of(env.getOrDefault(LOG_FILE_VARIABLE, DEFAULT_LOG_FILE))));
    if (consoleLevel != Level.OFF) {
      root.addHandler(consoleHandler(consoleLevel, new Line(CONSOLE_TIME, false, "", 20)));
    }
    Logger own = Logger.getLogger(OWN_LOGGERS);
    own.addHandler(consoleHandler(Level.WARNING, new Line(null, false, "crashwatch emit: ", 20)));
    CONFIGURED.clear();
    CONFIGURED.add(own);
    for (String name : QUIET_LIBRARIES) {
      Logger library = Logger.getLogger(name);
      library.setLevel(Level.WARNING);
      CONFIGURED.add(library);
    }
  }

  /** SLF4J's level names (what the variable takes, as the launcher's Logback does) as the JDK's. */
  static Level level(String name) {
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "OFF" -> Level.OFF;
      case "ERROR" -> Level.SEVERE;
      case "WARN" -> Level.WARNING;
      case "INFO" -> Level.INFO;
      case "DEBUG" -> Level.FINE;
      case "TRACE", "ALL" -> Level.FINEST;
      default ->
          throw new IllegalArgumentException(
              CONSOLE_LEVEL_VARIABLE
                  + ": not a log level: '"
                  + name
                  + "' (OFF, ERROR, WARN, INFO, DEBUG, TRACE)");
    };
  }

  /** The JDK's level as SLF4J names it (slf4j-jdk14 maps them one to one). */
  static String slf4jName(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    } else if (v >= Level.WARNING.intValue()) {
      return "WARN";
    } else if (v >= Level.INFO.intValue()) {
      return "INFO";
    } else if (v >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }

  /**
   * Appends to the file, flushed after every line, without the JDK's {@code FileHandler} lock file
   * (two emitters sharing a log file interleave lines, as with Logback's file appender).
   */
  private static Handler fileHandler(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream out =
        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    StreamHandler handler =
        new StreamHandler(out, new Line(FILE_TIME, true, "", 36)) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }
        };
    handler.setLevel(Level.ALL);
    return handler;
  }

  private static Handler consoleHandler(Level threshold, Formatter format) {
    ConsoleHandler handler = new ConsoleHandler(); // System.err, flushed after every line
    handler.setLevel(threshold);
    handler.setFormatter(format);
    return handler;
  }

  /**
   * One line per record: {@code [time] LEVEL [thread] logger - message}, and the stack trace of a
   * throwable, as the Logback patterns had it.
   */
  static final class Line extends Formatter {
    private final DateTimeFormatter time;
    private final boolean thread;
    private final String prefix;
    private final int loggerWidth;

    /**
     * @param time the timestamp's format; null for none
     * @param thread whether the line names the thread that logged (the publishing thread: JDK
     *     handlers publish in the caller's thread)
     * @param prefix text before the level
     * @param loggerWidth the logger name is shortened (leading packages to their initials) to fit
     */
    Line(DateTimeFormatter time, boolean thread, String prefix, int loggerWidth) {
      this.time = time;
      this.thread = thread;
      this.prefix = prefix;
      this.loggerWidth = loggerWidth;
    }

    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(prefix);
      if (time != null) {
        line.append(time.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
      }
      line.append(String.format("%-5s ", slf4jName(record.getLevel())));
      if (thread) {
        line.append('[').append(Thread.currentThread().getName()).append("] ");
      }
      line.append(abbreviate(record.getLoggerName(), loggerWidth))
          .append(" - ")
          .append(formatMessage(record))
          .append(System.lineSeparator());
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        line.append(trace);
      }
      return line.toString();
    }
  }

  /**
   * {@code dev.crashwatch.serde.RegistryClient} as {@code d.c.serde.RegistryClient}: leading
   * packages shortened to their initials, from the left, until the name fits (the class name is
   * never cut), as Logback's {@code %logger{width}}.
   */
  static String abbreviate(String name, int width) {
    if (name == null || name.length() <= width) {
      return name == null ? "" : name;
    }
    String[] parts = name.split("\\.");
    int length = name.length();
    for (int i = 0; i < parts.length - 1 && length > width; i++) {
      length -= parts[i].length() - 1;
      parts[i] = parts[i].substring(0, Math.min(1, parts[i].length()));
    }
    return String.join(".", parts);
  }
}
