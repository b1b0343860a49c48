package dev.crashwatch.launcher;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The settings of a backtest's runs. The production configuration is the processor's, loaded as
 * everywhere else (defaults, {@code --config}, {@code CRASHWATCH_*}, options); the candidate is
 * that configuration with a file of detector settings on top. Each run then gets names of its own
 * under {@value #PREFIX}{@code <run>.}: its application id (consumer group, internal topics,
 * transactional ids), its state directory and its output topics, so that it never writes a
 * production topic or joins the production group; it reads the run's copy of the input range and
 * the production catalogue.
 */
final class BacktestSettings {

  /** Every topic, group and transactional id of a backtest starts with this: one ACL prefix. */
  static final String PREFIX = "backtest.";

  /** Run names: they become part of topic names and the application id. */
  static final Pattern RUN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");

  private BacktestSettings() {}

  /** The prefix of every name of run {@code run}. */
  static String prefix(String run) {
    if (!RUN_NAME.matcher(run).matches()) {
      throw new ConfigException(
          "--run: invalid name '"
              + run
              + "': use 1 to 48 lower-case letters, digits and hyphens, starting with a letter or"
              + " digit");
    }
    return PREFIX + run + ".";
  }

  /** The run's copies of the production input topics. */
  static Topics inputCopies(Topics production, String run) {
    String p = prefix(run) + "input.";
    return new Topics(
        p + production.boots(),
        p + production.crashes(),
        p + production.heartbeats(),
        production.rollbackSignals(),
        production.spikeAlerts(),
        production.vendorHealthPrefix(),
        production.deadLetters(),
        production.versionHealth(),
        production.catalogue());
  }

  /**
   * Whether a candidate file may not set {@code key}: what decides where a run connects, who it is,
   * what it reads and writes. Those are the backtest's to set, never a candidate's.
   */
  static boolean isRefusedInCandidate(String key) {
    return key.equals("bootstrap.servers")
        || key.startsWith("schema.registry.")
        || key.equals("application.id")
        || key.equals("state.dir")
        || key.startsWith("topic.")
        || key.startsWith(Settings.KAFKA_PREFIX)
        || key.equals("metrics.port")
        || key.startsWith("health.");
  }

  /**
   * {@code production} with every key of the candidate {@code file} on top; a key that is unknown,
   * refused ({@link #isRefusedInCandidate}) or invalid stops the backtest with its name.
   */
  static Settings candidate(Settings production, Path file) {
    Properties props = read(file);
    Settings s = production;
    for (Map.Entry<Object, Object> e : new TreeMap<>(props).entrySet()) {
      String key = e.getKey().toString();
      String origin = "candidate file " + file;
      if (isRefusedInCandidate(key)) {
        throw new ConfigException(
            origin
                + ": "
                + key
                + ": a candidate sets detector settings only, not where the backtest connects,"
                + " reads or writes");
      }
      s = s.with(key, e.getValue().toString().trim(), origin);
    }
    return s;
  }

  private static Properties read(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read candidate file " + file + ": " + e.getMessage());
    }
    return props;
  }

  /** The keys of the candidate file, with the production value and the candidate's. */
  static Map<String, String[]> differences(Settings production, Settings candidate, Path file) {
    Properties props = read(file);
    Map<String, String[]> out = new TreeMap<>();
    for (Object k : props.keySet()) {
      String key = k.toString();
      out.put(
          key,
          new String[] {
            production.getOptional(key).orElse("(unset)"),
            candidate.getOptional(key).orElse("(unset)")
          });
    }
    return out;
  }

  /**
   * {@code config} (production or candidate) as run {@code label} of backtest {@code run}: its own
   * application id and state directory, the run's input copies, its own output topics; the
   * production catalogue.
   */
  static Settings forRun(Settings config, String run, String label, Path stateDir) {
    Topics production = Topics.from(config);
    Topics inputs = inputCopies(production, run);
    String own = prefix(run) + label;
    String out = own + ".";
    String origin = "backtest " + run;
    return config
        .with("application.id", own, origin)
        .with("state.dir", stateDir.toString(), origin)
        .with("topic.boots", inputs.boots(), origin)
        .with("topic.crashes", inputs.crashes(), origin)
        .with("topic.heartbeats", inputs.heartbeats(), origin)
        .with("topic.rollback.signals", out + production.rollbackSignals(), origin)
        .with("topic.spike.alerts", out + production.spikeAlerts(), origin)
        .with("topic.vendor.health.prefix", out + production.vendorHealthPrefix(), origin)
        .with("topic.dead.letters", out + production.deadLetters(), origin)
        .with("topic.version.health", out + production.versionHealth(), origin);
  }
}
