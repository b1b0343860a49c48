package dev.crashwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Configuration in three layers, each overriding the one before: defaults in code (the declared
 * {@link Setting}s), a properties file, then environment variables ({@code CRASHWATCH_*}), so that
 * docker compose can configure everything through {@code environment:}.
 *
 * <p>Keys under {@value #KAFKA_PREFIX} are passed through to Kafka clients unchanged (minus the
 * prefix), e.g. {@code kafka.security.protocol=SASL_SSL}; in the environment they are written
 * {@code CRASHWATCH_KAFKA_SECURITY_PROTOCOL}. Any other key that is not declared is refused, with
 * its name and where it came from, because a misspelt key silently doing nothing is worse than a
 * stop. A {@code kafka.*} setting that would turn off exactly-once or idempotence is refused too
 * (see {@link GuaranteeGuard}).
 *
 * <p>Secrets (passwords, JAAS lines, registry user info) come from the file or the environment,
 * never from a command line, which every user of the machine can read. An environment variable
 * ending in {@value #FILE_SUFFIX} names a file that holds the value instead (the convention of
 * Docker secrets): {@code CRASHWATCH_KAFKA_SASL_JAAS_CONFIG_FILE=/run/secrets/jaas}. Error messages
 * never quote the value of a secret key ({@link #isSecret}).
 */
public final class Settings {

  public static final String KAFKA_PREFIX = "kafka.";
  static final String ENV_PREFIX = "CRASHWATCH_";
  static final String FILE_SUFFIX = "_FILE";

  private final Map<String, Setting> declared;
  private final Map<String, String> values;
  private final Map<String, String> origins;

  private Settings(
      Map<String, Setting> declared, Map<String, String> values, Map<String, String> origins) {
    this.declared = declared;
    this.values = values;
    this.origins = origins;
  }

  /** Defaults only. */
  public static Settings defaults(Collection<Setting> declared) {
    return load(declared, Optional.empty(), Map.of());
  }

  /**
   * Loads the three layers.
   *
   * @param file an optional properties file
   * @param env the environment, usually {@code System.getenv()}
   * @throws ConfigException naming the key and its origin when a key is unknown or a file
   *     unreadable
   */
  public static Settings load(
      Collection<Setting> declared, Optional<Path> file, Map<String, String> env) {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    declared.forEach(s -> byKey.put(s.key(), s));
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    for (Setting s : declared) {
      if (s.defaultValue() != null) {
        values.put(s.key(), s.defaultValue());
        origins.put(s.key(), "default");
      }
    }
    if (file.isPresent()) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(file.get())) {
        props.load(reader);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file.get() + ": " + e.getMessage());
      }
      for (String key : new TreeMap<>(props).keySet().stream().map(Object::toString).toList()) {
        String origin = "file " + file.get();
        requireKnown(byKey, key, origin);
        requireSafe(key, props.getProperty(key), origin);
        values.put(key, props.getProperty(key).trim());
        origins.put(key, origin);
      }
    }
    Map<String, String> envKeys = new TreeMap<>();
    byKey.keySet().forEach(k -> envKeys.put(Setting.envName(k), k));
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ENV_PREFIX)) {
        continue;
      }
      String origin = "environment " + name;
      String value = e.getValue();
      // A declared key by its own name first, then the _FILE form, then a kafka.* key.
      String key = envKeys.get(name);
      if (key == null && name.endsWith(FILE_SUFFIX)) {
        String direct = name.substring(0, name.length() - FILE_SUFFIX.length());
        key = keyOfVariable(envKeys, direct);
        if (key != null) {
          Path secretFile = Path.of(value.trim());
          origin = "file " + secretFile + " (named by environment " + name + ")";
          value = readSecretFile(secretFile, name);
        }
      }
      if (key == null) {
        key = keyOfVariable(envKeys, name);
      }
      if (key == null) {
        if (isLauncherVariable(name)) {
          continue;
        }
        throw new ConfigException(
            origin + ": unknown setting (known: " + String.join(", ", envKeys.keySet()) + ")");
      }
      requireSafe(key, value, origin);
      values.put(key, value.trim());
      origins.put(key, origin);
    }
    return new Settings(byKey, values, origins);
  }

  /** The key an environment variable sets, or null; {@code CRASHWATCH_KAFKA_*} map to kafka.*. */
  private static String keyOfVariable(Map<String, String> envKeys, String name) {
    String key = envKeys.get(name);
    if (key == null && name.startsWith(ENV_PREFIX + "KAFKA_")) {
      key =
          name.substring(ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }
    return key;
  }

  private static String readSecretFile(Path file, String variable) {
    try {
      // A trailing newline is how editors and `echo` end a file, not part of the secret.
      return Files.readString(file).strip();
    } catch (IOException e) {
      // The path and the error only: never the content.
      throw new ConfigException(
          "environment "
              + variable
              + ": cannot read "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private static void requireSafe(String key, String value, String origin) {
    if (key.startsWith(KAFKA_PREFIX)) {
      GuaranteeGuard.check(key, value, origin);
    }
  }

  /**
   * Whether {@code key} holds a secret, whose value no message may quote: passwords, JAAS lines
   * (which carry the password), the registry's basic-auth user info, and anything named secret or
   * token.
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("user.info")
        || k.contains("secret")
        || k.contains("token")
        || k.contains("credentials");
  }

  /**
   * Variables that are not settings: read by the launcher script (JVM options, home), by the
   * logging configuration (log file, console level) and by the tests' stack choice.
   */
  private static final Set<String> NOT_SETTINGS =
      Set.of(
          "CRASHWATCH_JAVA_OPTS",
          "CRASHWATCH_HOME",
          "CRASHWATCH_LOG_FILE",
          "CRASHWATCH_CONSOLE_LOG_LEVEL",
          "CRASHWATCH_STACK");

  private static boolean isLauncherVariable(String name) {
    return NOT_SETTINGS.contains(name);
  }

  private static void requireKnown(Map<String, Setting> byKey, String key, String origin) {
    if (!byKey.containsKey(key) && !key.startsWith(KAFKA_PREFIX)) {
      throw new ConfigException(
          origin
              + ": unknown setting '"
              + key
              + "' (known: "
              + String.join(", ", byKey.keySet())
              + ")");
    }
  }

  /** Returns a copy with {@code key} set, as if given last (used by command-line options). */
  public Settings with(String key, String value, String origin) {
    requireKnown(declared, key, origin);
    requireSafe(key, value, origin);
    Map<String, String> v = new LinkedHashMap<>(values);
    Map<String, String> o = new LinkedHashMap<>(origins);
    v.put(key, value);
    o.put(key, origin);
    return new Settings(declared, v, o);
  }

  public String getString(String key) {
    String value = values.get(declaredKey(key));
    if (value == null || value.isEmpty()) {
      throw new ConfigException(
          key
              + ": required, but not set (set it in the config file or "
              + Setting.envName(key)
              + ")");
    }
    return value;
  }

  public Optional<String> getOptional(String key) {
    String value = values.get(declaredKey(key));
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public int getInt(String key) {
    String value = getString(key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "an integer");
    }
  }

  public long getLong(String key) {
    String value = getString(key);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "an integer");
    }
  }

  public double getDouble(String key) {
    String value = getString(key);
    try {
      double d = Double.parseDouble(value);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw invalid(key, value, "a finite number");
      }
      return d;
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a number");
    }
  }

  public boolean getBoolean(String key) {
    String value = getString(key);
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, value, "true or false");
    };
  }

  /** An ISO-8601 duration such as {@code PT10M}. */
  public Duration getDuration(String key) {
    String value = getString(key);
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(key, value, "an ISO-8601 duration such as PT10M");
    }
  }

  /** The pass-through Kafka client properties, without the {@value #KAFKA_PREFIX} prefix. */
  public Map<String, Object> kafkaOverrides() {
    return values.entrySet().stream()
        .filter(e -> e.getKey().startsWith(KAFKA_PREFIX))
        .collect(
            Collectors.toMap(
                e -> e.getKey().substring(KAFKA_PREFIX.length()),
                Map.Entry::getValue,
                (a, b) -> b,
                TreeMap::new));
  }

  /**
   * The {@code kafka.*} settings every client of a cluster needs to connect to it (security
   * protocol, SASL and TLS), without the prefix: for the helper clients of a command (admin
   * clients, signal readers) beside its main producer or processor, which take {@link
   * #kafkaOverrides()}.
   */
  public Map<String, Object> kafkaClientSecurity() {
    Map<String, Object> out = new TreeMap<>();
    kafkaOverrides()
        .forEach(
            (k, v) -> {
              if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                out.put(k, v);
              }
            });
    return out;
  }

  /** Where the value of {@code key} came from: default, a file, or an environment variable. */
  public String originOf(String key) {
    return origins.getOrDefault(key, "unset");
  }

  private String declaredKey(String key) {
    if (!declared.containsKey(key)) {
      throw new IllegalArgumentException("setting '" + key + "' is read but was never declared");
    }
    return key;
  }

  private ConfigException invalid(String key, String value, String expected) {
    String shown = isSecret(key) ? "(a secret, not shown)" : "'" + value + "'";
    return new ConfigException(
        key + ": expected " + expected + ", was " + shown + " (from " + originOf(key) + ")");
  }
}
