package dev.crashwatch.launcher;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs against your cluster: a settings file and the bootstrap
 * servers, layered over defaults and the {@code CRASHWATCH_*} environment like every setting.
 */
final class ClusterOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
  Path config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  /** Defaults of {@code declared}, then {@code --config}, then {@code env}, then the options. */
  Settings load(Collection<Setting> declared, Map<String, String> env) {
    Settings settings = Settings.load(declared, Optional.ofNullable(config), env);
    if (bootstrapServers != null) {
      settings = settings.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }
    return settings;
  }
}
