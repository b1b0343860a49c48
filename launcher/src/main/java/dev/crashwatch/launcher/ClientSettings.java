package dev.crashwatch.launcher;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.cli.EmitterSettings;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.EventSerdes;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a command that is a client of the cluster (emit, vendors, schemas, the helpers of
 * simulate): where Kafka and the registry are, how to log in to them ({@code kafka.*} and the
 * registry's TLS and basic-auth settings), and the topic names. Loaded like the processor's:
 * defaults, {@code --config FILE}, {@code CRASHWATCH_*} variables, then command-line options that
 * name no secret.
 */
final class ClientSettings {

  /** The same keys as the emitter daemon's: addresses, registry, topics, application id. */
  static final List<Setting> DECLARED = EmitterSettings.DECLARED;

  private ClientSettings() {}

  /** Defaults, then {@code file} if given, then the environment. */
  static Settings load(Optional<Path> file) {
    return Settings.load(DECLARED, file, System.getenv());
  }

  /**
   * The same file and environment read as the processor's settings, so that one file can hold a
   * principal's connection for every part of a pipeline run.
   */
  static ProcessorSettings asProcessor(Optional<Path> file) {
    return ProcessorSettings.load(file, System.getenv());
  }

  /** {@code settings} with the addresses set, if given (command-line options win). */
  static Settings withAddresses(Settings settings, String bootstrapServers, String registryUrl) {
    Settings s = settings;
    if (bootstrapServers != null) {
      s = s.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }
    if (registryUrl != null) {
      s = s.with(RegistrySettings.URL, registryUrl, "--schema-registry-url");
    }
    return s;
  }

  /** A Kafka client configuration: bootstrap servers and the security settings of {@code s}. */
  static Map<String, Object> kafka(Settings s) {
    Map<String, Object> config = new HashMap<>(s.kafkaClientSecurity());
    config.put("bootstrap.servers", s.getString("bootstrap.servers"));
    return config;
  }

  /** Serdes on the registry of {@code s}, with its TLS, basic auth and auto-registration. */
  static EventSerdes serdes(Settings s) {
    return EventSerdes.connect(RegistrySettings.serdeConfig(s));
  }
}
