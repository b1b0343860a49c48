package dev.crashwatch.config;

import dev.crashwatch.serde.SerdeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema registry client's settings beside {@code schema.registry.url}: TLS trust, basic
 * authentication and whether schemas may be registered on first use. Declared once here so that
 * every command and the processor read them the same way; {@link #serdeConfig} turns them into the
 * serde's (Confluent's) configuration keys.
 */
public final class RegistrySettings {

  public static final String URL = "schema.registry.url";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String AUTO_REGISTER = "schema.registry.auto.register";

  public static final List<Setting> SETTINGS =
      List.of(
          new Setting(
              TRUSTSTORE_LOCATION,
              "",
              "Truststore with the CA certificates the registry's HTTPS certificate is checked"
                  + " against; empty means the JDK's default CAs."),
          new Setting(TRUSTSTORE_PASSWORD, "", "Password of that truststore (a secret)."),
          new Setting(TRUSTSTORE_TYPE, "PKCS12", "Type of that truststore: PKCS12 or JKS."),
          new Setting(
              BASIC_AUTH_USER_INFO,
              "",
              "user:password for the registry's HTTP basic authentication (a secret: set it in the"
                  + " config file, CRASHWATCH_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, or a file named"
                  + " by CRASHWATCH_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE); empty means none."),
          new Setting(
              AUTO_REGISTER,
              "true",
              "Register an event's schema on first use; false (a secured deployment) only looks"
                  + " its id up, and the schemas are registered by `crashwatch schemas register`."));

  private RegistrySettings() {}

  /**
   * The serde configuration of {@code settings}: the registry URL (which must be declared by the
   * caller), TLS trust, basic authentication and auto-registration.
   */
  public static Map<String, Object> serdeConfig(Settings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, settings.getString(URL));
    config.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, settings.getBoolean(AUTO_REGISTER));
    settings
        .getOptional(TRUSTSTORE_LOCATION)
        .ifPresent(
            path -> {
              config.put(SerdeConfig.SSL_TRUSTSTORE_LOCATION, path);
              config.put(SerdeConfig.SSL_TRUSTSTORE_TYPE, settings.getString(TRUSTSTORE_TYPE));
              settings
                  .getOptional(TRUSTSTORE_PASSWORD)
                  .ifPresent(p -> config.put(SerdeConfig.SSL_TRUSTSTORE_PASSWORD, p));
            });
    settings
        .getOptional(BASIC_AUTH_USER_INFO)
        .ifPresent(
            info -> {
              config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
              config.put(SerdeConfig.BASIC_AUTH_USER_INFO, info);
            });
    return config;
  }
}
