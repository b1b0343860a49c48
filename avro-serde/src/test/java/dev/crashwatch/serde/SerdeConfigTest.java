package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SerdeConfigTest {
  private static final String URL = "http://127.0.0.1:8081";

  private static SerdeConfig config(Object... keyValues) {
    Map<String, Object> map = new HashMap<>();
    map.put(SerdeConfig.SCHEMA_REGISTRY_URL, URL);
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new SerdeConfig(map);
  }

  @Test
  void defaultsMatchConfluents() {
    SerdeConfig c = config();
    assertThat(c.registryUrls()).containsExactly(URL);
    assertThat(c.autoRegisterSchemas()).isTrue();
    assertThat(c.specificAvroReader()).isFalse();
    assertThat(c.subjectNameStrategy(true)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    assertThat(c.subjectNameStrategy(false)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    assertThat(c.basicAuthUserInfo()).isEmpty();
    assertThat(c.maxRetries()).isEqualTo(3);
    assertThat(c.backoff()).isEqualTo(new Backoff(1_000, 20_000));
  }

  @Test
  void acceptsAConfluentSerializerConfigAsStrings() {
    SerdeConfig c =
        config(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            "http://a:8081/, http://b:8081/apis/ccompat/v7/",
            SerdeConfig.AUTO_REGISTER_SCHEMAS,
            "false",
            SerdeConfig.SPECIFIC_AVRO_READER,
            "true",
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
            "io.confluent.kafka.serializers.subject.RecordNameStrategy",
            SerdeConfig.MAX_RETRIES,
            "5",
            "bootstrap.servers",
            "ignored:9092");
    assertThat(c.registryUrls()).containsExactly("http://a:8081", "http://b:8081/apis/ccompat/v7");
    assertThat(c.autoRegisterSchemas()).isFalse();
    assertThat(c.specificAvroReader()).isTrue();
    assertThat(c.subjectNameStrategy(false)).isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(c.subjectNameStrategy(true)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    assertThat(c.maxRetries()).isEqualTo(5);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> config(SerdeConfig.AUTO_REGISTER_SCHEMAS, "yes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.AUTO_REGISTER_SCHEMAS);
    assertThatThrownBy(() -> config(SerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "Nope"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.KEY_SUBJECT_NAME_STRATEGY)
        .hasMessageContaining("TopicNameStrategy");
    assertThatThrownBy(() -> config(SerdeConfig.MAX_RETRIES, -1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.MAX_RETRIES);
    assertThatThrownBy(() -> config(SerdeConfig.HTTP_READ_TIMEOUT_MS, "soon"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.HTTP_READ_TIMEOUT_MS);
    assertThatThrownBy(() -> config(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE);
  }

  @Test
  void registryUrlMustBeHttp() {
    assertThatThrownBy(() -> config(SerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
    assertThatThrownBy(() -> config(SerdeConfig.SCHEMA_REGISTRY_URL, "http://bad host/"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
  }

  @Test
  void clientNeedsARegistryUrl() {
    assertThatThrownBy(() -> new RegistryClient(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
  }

  @Test
  void userInfoSourceNeedsUserInfo() {
    assertThatThrownBy(() -> config(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.BASIC_AUTH_USER_INFO);
    SerdeConfig c =
        config(
            SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "user_info",
            SerdeConfig.BASIC_AUTH_USER_INFO, "ops:s3cret");
    assertThat(c.basicAuthUserInfo()).contains("ops:s3cret");
  }

  @Test
  void urlSourceTakesCredentialsFromTheUrlAndStripsThem() {
    SerdeConfig c = config(SerdeConfig.SCHEMA_REGISTRY_URL, "https://ops:p%40ss@sr.example:8443/");
    assertThat(c.basicAuthUserInfo()).contains("ops:p@ss");
    assertThat(c.registryUrls()).containsExactly("https://sr.example:8443");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://ops:s3cr3t-pw@sr.example:8443 /bad path",
        "https://ops:s3cr3t-pw@@sr example:8443/",
        "ops:s3cr3t-pw@sr.example:8443",
        "ftp://ops:s3cr3t-pw@sr.example/",
        " http://ops:s3cr3t-pw@/nohost",
        "https://ops:s3cr3t-pw@sr.example:99999999999/"
      })
  void aMalformedUrlIsNeverEchoedWithItsCredentials(String url) {
    assertThatThrownBy(() -> config(SerdeConfig.SCHEMA_REGISTRY_URL, url))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL)
        .hasMessageContaining("[hidden]@")
        .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("s3cr3t-pw"));
  }

  private static String stackTraceOf(Throwable t) {
    java.io.StringWriter out = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  @Test
  void missingTruststoreNamesItsKey(@TempDir Path dir) {
    SerdeConfig c = config(SerdeConfig.SSL_TRUSTSTORE_LOCATION, dir.resolve("nope.jks").toString());
    assertThatThrownBy(() -> SslContexts.fromConfig(c))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SSL_TRUSTSTORE_LOCATION)
        .hasMessageContaining("nope.jks");
  }

  @Test
  void buildsAnSslContextFromAPkcs12Truststore(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("trust.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (OutputStream out = Files.newOutputStream(store)) {
      ks.store(out, "changeit".toCharArray());
    }
    SerdeConfig c =
        config(
            SerdeConfig.SSL_TRUSTSTORE_LOCATION, store.toString(),
            SerdeConfig.SSL_TRUSTSTORE_PASSWORD, "changeit",
            SerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
    assertThat(SslContexts.fromConfig(c)).isPresent();
    assertThat(SslContexts.fromConfig(config())).isEmpty();

    SerdeConfig wrongPassword =
        config(
            SerdeConfig.SSL_TRUSTSTORE_LOCATION, store.toString(),
            SerdeConfig.SSL_TRUSTSTORE_PASSWORD, "wrong",
            SerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
    assertThatThrownBy(() -> SslContexts.fromConfig(wrongPassword))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SSL_TRUSTSTORE_LOCATION);
  }
}
