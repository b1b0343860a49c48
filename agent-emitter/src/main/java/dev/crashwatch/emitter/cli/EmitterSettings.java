package dev.crashwatch.emitter.cli;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The emitter daemon's settings: where Kafka and the registry are, how to log in to them ({@code
 * kafka.*} and the registry's TLS and basic-auth settings), and the topic names. Loaded like every
 * other command's: defaults, {@code --config FILE}, {@code CRASHWATCH_*} variables, then the
 * command-line options that name no secret. Here, not in the launcher, so that the emitter's jar
 * carries nothing of the processor.
 */
public final class EmitterSettings {

  /** Every client command's keys (the launcher's client settings declare these too). */
  public static final List<Setting> DECLARED;

  static {
    List<Setting> all = new ArrayList<>();
    all.add(
        new Setting("bootstrap.servers", null, "Kafka bootstrap servers, host:port[,host:port]."));
    all.add(new Setting(RegistrySettings.URL, null, "Schema registry base URL."));
    // Unused here, declared so that one settings file or environment serves every command.
    all.add(
        new Setting(
            "application.id",
            "crashwatch-detector",
            "The stream processor's application id (its group and internal topics)."));
    all.addAll(RegistrySettings.SETTINGS);
    all.addAll(Topics.SETTINGS);
    DECLARED = List.copyOf(all);
  }

  private EmitterSettings() {}

  /** Defaults, {@code file} if given, the environment, then the addresses if given. */
  static Settings load(Optional<Path> file, String bootstrapServers, String registryUrl) {
    Settings s = Settings.load(DECLARED, file, System.getenv());
    if (bootstrapServers != null) {
      s = s.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }
    if (registryUrl != null) {
      s = s.with(RegistrySettings.URL, registryUrl, "--schema-registry-url");
    }
    return s;
  }
}
