package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour against a scripted server: headers, retries, error mapping. */
class RegistryClientHttpTest {
  private static final Schema SCHEMA =
      SchemaBuilder.record("Boot").namespace("t").fields().requiredString("deviceId").endRecord();

  private final FakeRegistry fake = newFake();

  private static FakeRegistry newFake() {
    try {
      return new FakeRegistry();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private RegistryClient client(Object... extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, fake.url());
    config.put(SerdeConfig.RETRIES_WAIT_MS, 1);
    config.put(SerdeConfig.RETRIES_MAX_WAIT_MS, 5);
    for (int i = 0; i < extra.length; i += 2) {
      config.put((String) extra[i], extra[i + 1]);
    }
    return new RegistryClient(config);
  }

  @Test
  void sendsConfluentHeadersAndTheCanonicalSchemaText() {
    fake.reply(200, "application/vnd.schemaregistry.v1+json", "{\"id\":7}");
    RegistryClient client =
        client(
            SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
            SerdeConfig.BASIC_AUTH_USER_INFO, "ops:s3cret");

    assertThat(client.register("boots-value", SCHEMA)).isEqualTo(7);

    FakeRegistry.Request r = fake.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/apis/ccompat/v7/subjects/boots-value/versions");
    assertThat(r.accept()).isEqualTo(RegistryClient.ACCEPT);
    assertThat(r.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(r.auth()).isEqualTo(BasicAuth.header("ops:s3cret"));
    assertThat(r.body())
        .isEqualTo(
            "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Boot\\\",\\\"namespace\\\":"
                + "\\\"t\\\",\\\"fields\\\":[{\\\"name\\\":\\\"deviceId\\\",\\\"type\\\":"
                + "\\\"string\\\"}]}\"}");
  }

  @Test
  void cachesIdsAndSchemasItHasSeen() {
    fake.reply(200, "{\"id\":7}");
    RegistryClient client = client();
    client.register("boots-value", SCHEMA);
    client.register("boots-value", SCHEMA);
    client.lookupId("boots-value", SCHEMA);
    assertThat(client.schemaById(7)).isEqualTo(SCHEMA); // known from the registration
    assertThat(client.httpRequestCount()).isEqualTo(1);
  }

  @Test
  void retries5xxAnd429ThenSucceeds() {
    fake.reply(503, "{\"error_code\":50003,\"message\":\"busy\"}")
        .reply(429, "{}")
        .reply(200, "{\"schema\":\"\\\"string\\\"\"}");
    RegistryClient client = client();
    assertThat(client.schemaById(3)).isEqualTo(Schema.create(Schema.Type.STRING));
    assertThat(client.httpRequestCount()).isEqualTo(3);
  }

  @Test
  void gives5xxUpAfterTheRetriesAsUnreachable() {
    fake.reply(500, "{\"error_code\":50001,\"message\":\"store timeout\"}");
    RegistryClient client = client(SerdeConfig.MAX_RETRIES, 2);
    assertThatThrownBy(() -> client.schemaById(3))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.error()).isEqualTo(SerdeError.REGISTRY_UNREACHABLE);
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
            })
        .hasMessageContaining("store timeout")
        .hasMessageContaining("after 3 attempts");
    assertThat(client.httpRequestCount()).isEqualTo(3);
  }

  @Test
  void doesNotRetry4xxAndSurfacesConfluentErrorBodies() {
    fake.reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
    RegistryClient client = client();
    assertThatThrownBy(() -> client.register("boots-value", SCHEMA))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.error()).isEqualTo(SerdeError.REGISTRY_ERROR);
              assertThat(e.errorCode()).isEqualTo(42201);
            })
        .hasMessageContaining("answered 422 (error_code 42201): Invalid schema");
    assertThat(client.httpRequestCount()).isEqualTo(1);
  }

  @Test
  void aRefusalOfTheCredentialsIsNotAnyOtherError() {
    // the processor waits on it and reports it; a REGISTRY_ERROR would dead-letter the record
    fake.reply(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
    RegistryClient client = client();
    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.REGISTRY_UNAUTHORIZED));
    assertThat(client.httpRequestCount()).isEqualTo(1);
  }

  @Test
  void aConflictWithAnotherClientRegisteringTheSameSchemaIsItsId() {
    // Apicurio, to the second of two first registrations of a subject at once
    fake.reply(409, "{\"error_code\":409,\"message\":\"An artifact with ID 's' already exists.\"}")
        .reply(200, "{\"subject\":\"s\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\"}");
    RegistryClient client = client();
    assertThat(client.register("s", SCHEMA)).isEqualTo(7);
    assertThat(client.httpRequestCount()).isEqualTo(2);
  }

  @Test
  void mapsTheRegistryAnswersThatMeanSomething() {
    fake.reply(409, "{\"error_code\":409,\"message\":\"Incompatible\"}")
        .reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}") // is it there?
        .reply(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}")
        .reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}")
        .reply(404, "{\"error_code\":40408,\"message\":\"no subject config\"}")
        .reply(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
    RegistryClient client = client();
    assertThatThrownBy(() -> client.register("s", SCHEMA))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("INCOMPATIBLE_SCHEMA");
    assertThatThrownBy(() -> client.schemaById(42))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("schema id 42")
        .hasMessageContaining(fake.url());
    assertThatThrownBy(() -> client.lookupId("s", SCHEMA))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_NOT_REGISTERED));
    assertThat(client.subjectCompatibility("s")).isEmpty(); // Confluent's 404: no subject config
    assertThat(client.isCompatible("s", SCHEMA)).isTrue(); // nothing registered yet
  }

  @Test
  void keepsANonJsonErrorPageAsText() {
    fake.reply(403, "text/html", "<html>Forbidden by proxy</html>");
    assertThatThrownBy(() -> client().schemaById(1))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("answered 403: <html>Forbidden by proxy</html>");
  }

  @Test
  void unreachableRegistryIsNamedWithTheCause() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    RegistryClient client =
        new RegistryClient(
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, dead,
                SerdeConfig.MAX_RETRIES, 2,
                SerdeConfig.RETRIES_WAIT_MS, 1));
    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.error()).isEqualTo(SerdeError.REGISTRY_UNREACHABLE);
              assertThat(e.status()).isEqualTo(RegistryException.NONE);
            })
        .hasMessageContaining(dead)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("ConnectException");
    assertThat(client.httpRequestCount()).isEqualTo(3);
  }

  @Test
  void failsOverToTheNextUrl() throws IOException {
    fake.reply(200, "{\"schema\":\"\\\"long\\\"\"}");
    RegistryClient client =
        new RegistryClient(
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + freePort() + "," + fake.url(),
                SerdeConfig.RETRIES_WAIT_MS,
                1));
    assertThat(client.schemaById(1)).isEqualTo(Schema.create(Schema.Type.LONG));
    assertThat(client.httpRequestCount()).isEqualTo(2);
  }

  @Test
  void refusesNonAvroSchemas() {
    fake.reply(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThatThrownBy(() -> client().schemaById(5))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("PROTOBUF");
  }

  /** A port nothing listens on (bound, then released). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
