package dev.crashwatch.dashboard;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting the dashboard reads, with its default: the cluster and registry, the HTTP port, how
 * much history it keeps, and the topic names (the same {@code topic.*} keys as the processor's).
 * Keys under {@code kafka.} pass through to its consumer, so it takes the same security settings as
 * every other command.
 */
public final class DashboardSettings {

  public static final List<Setting> DECLARED;

  static {
    List<Setting> all = new ArrayList<>();
    all.add(
        new Setting("bootstrap.servers", null, "Kafka bootstrap servers, host:port[,host:port]."));
    all.add(
        new Setting(
            "schema.registry.url",
            null,
            "Schema registry base URL (Confluent, or Apicurio's .../apis/ccompat/v7)."));
    all.add(
        new Setting("dashboard.port", "8080", "HTTP port of the dashboard (0 picks a free port)."));
    all.add(
        new Setting(
            "dashboard.bind.address",
            "0.0.0.0",
            "Address the dashboard's HTTP server listens on (127.0.0.1 for this host only)."));
    all.add(
        new Setting(
            "dashboard.health.points",
            "720",
            "Health snapshots kept per component version for the chart (the newest; at one per"
                + " minute, 720 is twelve hours)."));
    all.addAll(Topics.SETTINGS);
    all.addAll(RegistrySettings.SETTINGS);
    DECLARED = List.copyOf(all);
  }

  private final Settings settings;

  public DashboardSettings(Settings settings) {
    this.settings = settings;
    int port = port();
    if (port < 0 || port > 65_535) {
      throw new ConfigException(
          "dashboard.port: expected 0 to 65535, was "
              + port
              + " (from "
              + settings.originOf("dashboard.port")
              + ")");
    }
    if (healthPoints() < 2) {
      throw new ConfigException(
          "dashboard.health.points: expected at least 2, was "
              + healthPoints()
              + " (from "
              + settings.originOf("dashboard.health.points")
              + ")");
    }
  }

  /** Defaults, then {@code file} if given, then the environment. */
  public static DashboardSettings load(Optional<Path> file, Map<String, String> env) {
    return new DashboardSettings(Settings.load(DECLARED, file, env));
  }

  public Settings raw() {
    return settings;
  }

  public Topics topics() {
    return Topics.from(settings);
  }

  public String bootstrapServers() {
    return settings.getString("bootstrap.servers");
  }

  public String schemaRegistryUrl() {
    return settings.getString("schema.registry.url");
  }

  public int port() {
    return settings.getInt("dashboard.port");
  }

  public String bindAddress() {
    return settings.getString("dashboard.bind.address");
  }

  public int healthPoints() {
    return settings.getInt("dashboard.health.points");
  }
}
