package dev.crashwatch.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the registry client and the serde. Key names are Confluent's wherever Confluent
 * has one, so a Confluent serializer config works unchanged; unknown keys (the rest of a producer
 * or consumer config) are ignored. Kafka's {@link ConfigDef} does the parsing, so a bad value fails
 * with "Invalid value X for configuration KEY: why".
 */
public final class SerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

  // Names of Confluent's newer REST client (SchemaRegistryClientConfig).
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
  public static final String MAX_RETRIES = "max.retries";
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";

  // An optional scheme, then user info up to the last '@' before the path.
  private static final Pattern CREDENTIALS_IN_URL =
      Pattern.compile("^(\\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?)[^/?#]*@");

  /** Ours: entries per client cache (schema by id, id by subject and schema). */
  public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";

  private static final ConfigDef.Validator STRATEGY =
      (name, value) -> {
        try {
          SubjectNameStrategy.fromName((String) value);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, e.getMessage());
        }
      };

  private static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL,
              Type.LIST,
              List.of(),
              Importance.HIGH,
              "Comma-separated registry base URLs, e.g. http://host:8081 (Confluent) or "
                  + "http://host:8080/apis/ccompat/v7 (Apicurio). Later URLs are fail-overs.")
          .define(
              AUTO_REGISTER_SCHEMAS,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Register the record's schema on first use; if false, only look up its id.")
          .define(
              KEY_SUBJECT_NAME_STRATEGY,
              Type.STRING,
              SubjectNameStrategy.TOPIC_NAME.shortName(),
              STRATEGY,
              Importance.MEDIUM,
              "Subject name strategy for keys: TopicNameStrategy, RecordNameStrategy, "
                  + "TopicRecordNameStrategy (Confluent class names accepted).")
          .define(
              VALUE_SUBJECT_NAME_STRATEGY,
              Type.STRING,
              SubjectNameStrategy.TOPIC_NAME.shortName(),
              STRATEGY,
              Importance.MEDIUM,
              "Subject name strategy for values; same choices as for keys.")
          .define(
              SPECIFIC_AVRO_READER,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "Deserialize into generated SpecificRecord classes (found by the writer's record "
                  + "name) instead of GenericRecord.")
          .define(
              BASIC_AUTH_CREDENTIALS_SOURCE,
              Type.STRING,
              "URL",
              CaseInsensitiveValidString.in("URL", "USER_INFO"),
              Importance.MEDIUM,
              "Where basic-auth credentials come from: URL (user:pass@ in the registry URL) or "
                  + "USER_INFO (basic.auth.user.info).")
          .define(
              BASIC_AUTH_USER_INFO,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "user:password for basic auth when the source is USER_INFO.")
          .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM, "Truststore path.")
          .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Its password.")
          .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "JKS or PKCS12.")
          .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM, "Keystore (mTLS).")
          .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Its password.")
          .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "JKS or PKCS12.")
          .define(
              SSL_KEY_PASSWORD,
              Type.PASSWORD,
              null,
              Importance.LOW,
              "Private key password; defaults to the keystore password.")
          .define(
              HTTP_CONNECT_TIMEOUT_MS,
              Type.INT,
              10_000,
              Range.atLeast(1),
              Importance.LOW,
              "TCP/TLS connect timeout.")
          .define(
              HTTP_READ_TIMEOUT_MS,
              Type.INT,
              30_000,
              Range.atLeast(1),
              Importance.LOW,
              "Timeout for one HTTP request, until the answer's headers arrive.")
          .define(
              MAX_RETRIES,
              Type.INT,
              3,
              Range.atLeast(0),
              Importance.LOW,
              "Retries after a connect error, a timeout, a 5xx or a 429 (never after other 4xx).")
          .define(
              RETRIES_WAIT_MS,
              Type.LONG,
              1_000L,
              Range.atLeast(0),
              Importance.LOW,
              "Backoff before the first retry; doubles per retry, with jitter.")
          .define(
              RETRIES_MAX_WAIT_MS,
              Type.LONG,
              20_000L,
              Range.atLeast(0),
              Importance.LOW,
              "Upper bound of one backoff.")
          .define(
              CACHE_CAPACITY,
              Type.INT,
              1_000,
              Range.atLeast(1),
              Importance.LOW,
              "Entries per client cache; a fleet pipeline uses a handful of schemas.");

  public SerdeConfig(Map<String, ?> configs) {
    super(DEFINITION, configs, false);
    // Fail at configure() time, not on the first record.
    registryUrls();
    basicAuthUserInfo();
  }

  /** The definition, e.g. for generating documentation ({@code configDef().toRst()}). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  /** Registry base URLs without trailing slash and without user info (see basic auth). */
  public List<String> registryUrls() {
    return getList(SCHEMA_REGISTRY_URL).stream()
        .map(u -> stripUserInfo(parseUrl(u)).toString().replaceAll("/+$", ""))
        .toList();
  }

  /** {@code user:password} for basic auth, from the configured source, if any. */
  public Optional<String> basicAuthUserInfo() {
    String source = getString(BASIC_AUTH_CREDENTIALS_SOURCE);
    if ("USER_INFO".equalsIgnoreCase(source)) {
      Password info = getPassword(BASIC_AUTH_USER_INFO);
      if (info == null || info.value().isEmpty()) {
        throw new ConfigException(
            BASIC_AUTH_USER_INFO,
            null,
            "required (user:password) because " + BASIC_AUTH_CREDENTIALS_SOURCE + " is USER_INFO");
      }
      BasicAuth.header(info.value()); // validates the user:password shape
      return Optional.of(info.value());
    }
    return getList(SCHEMA_REGISTRY_URL).stream()
        .map(u -> parseUrl(u).getRawUserInfo())
        .filter(i -> i != null && !i.isEmpty())
        .map(i -> URLDecoder.decode(i, StandardCharsets.UTF_8))
        .findFirst();
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
    return SubjectNameStrategy.fromName(
        getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY));
  }

  public boolean specificAvroReader() {
    return getBoolean(SPECIFIC_AVRO_READER);
  }

  public Duration connectTimeout() {
    return Duration.ofMillis(getInt(HTTP_CONNECT_TIMEOUT_MS));
  }

  public Duration requestTimeout() {
    return Duration.ofMillis(getInt(HTTP_READ_TIMEOUT_MS));
  }

  public int maxRetries() {
    return getInt(MAX_RETRIES);
  }

  public Backoff backoff() {
    return new Backoff(getLong(RETRIES_WAIT_MS), getLong(RETRIES_MAX_WAIT_MS));
  }

  public int cacheCapacity() {
    return getInt(CACHE_CAPACITY);
  }

  private static URI parseUrl(String url) {
    try {
      URI uri = new URI(url.trim());
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
          || uri.getHost() == null) {
        throw new ConfigException(
            SCHEMA_REGISTRY_URL, redact(url), "expected an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      // Not e.getMessage(): it quotes the whole input, credentials included.
      throw new ConfigException(
          SCHEMA_REGISTRY_URL,
          redact(url),
          "not a URL: " + e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
  }

  /**
   * {@code url} with anything between the scheme and the last '@' before the path replaced: a URL
   * that does not parse can still carry {@code user:password@}, and it must not be echoed.
   */
  static String redact(String url) {
    return CREDENTIALS_IN_URL.matcher(url).replaceFirst("$1[hidden]@");
  }

  private static URI stripUserInfo(URI uri) {
    try {
      return new URI(
          uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new ConfigException(SCHEMA_REGISTRY_URL, redact(uri.toString()), e.getReason());
    }
  }
}
