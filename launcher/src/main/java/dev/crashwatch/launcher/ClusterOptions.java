package dev.crashwatch.launcher;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every client of a real cluster takes: a settings file and the two addresses, which
 * win over the file and the {@code CRASHWATCH_*} environment. Security settings come as {@code
 * kafka.*} keys from the file or the environment, never from the command line.
 */
final class ClusterOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
  Path config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (setting bootstrap.servers).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Schema registry base URL (setting schema.registry.url).")
  String schemaRegistryUrl;

  /**
   * Defaults of {@code declared}, then {@code --config}, then the environment, then the options.
   */
  Settings load(Collection<Setting> declared) {
    Settings settings = Settings.load(declared, Optional.ofNullable(config), System.getenv());
    if (bootstrapServers != null) {
      settings = settings.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }
    if (schemaRegistryUrl != null) {
      settings = settings.with("schema.registry.url", schemaRegistryUrl, "--schema-registry-url");
    }
    return settings;
  }
}
