package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Settings;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.localstack.LocalCertificates;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.serde.AvroSerde;
import dev.crashwatch.serde.RegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client's basic-auth path, configured the way a deployment does (a secret file named
 * by {@code CRASHWATCH_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE}), against a registry that demands
 * it: {@link AuthenticatingRegistryProxy} in front of the real Apicurio of the shared secured
 * stack, which it reaches over TLS with the generated CA.
 */
class RegistryBasicAuthIT {

  private static final String USER = "ops";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  private static AuthenticatingRegistryProxy proxy;

  @TempDir Path dir;

  @BeforeAll
  static void startProxy() throws Exception {
    LocalStack stack = LocalStack.sharedSecured(PipelineSession.embeddedPlan());
    LocalCertificates tls = stack.certificates().orElseThrow();
    proxy =
        new AuthenticatingRegistryProxy(
            stack.schemaRegistry().baseUrl(),
            USER,
            PASSWORD,
            tls.truststore(),
            tls.storePassword());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  /** The client settings of a deployment whose registry is the proxy, plus {@code env}. */
  private static Settings settings(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("CRASHWATCH_BOOTSTRAP_SERVERS", "unused:9092");
    all.put("CRASHWATCH_SCHEMA_REGISTRY_URL", proxy.baseUrl() + "/apis/ccompat/v7");
    return Settings.load(ClientSettings.DECLARED, Optional.empty(), all);
  }

  @Test
  void withTheUserInfoFromASecretFileEventsRoundTrip() throws Exception {
    Path secret = dir.resolve("registry-user-info");
    Files.writeString(secret, USER + ":" + PASSWORD + "\n");
    Settings settings =
        settings(Map.of("CRASHWATCH_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE", secret.toString()));
    EventSerdes serdes = ClientSettings.serdes(settings);
    AvroSerde<Boot> serde = serdes.value(Boot.class);
    String topic = "auth-boots-" + UUID.randomUUID();
    Boot boot = boot();
    byte[] bytes = serde.serializer().serialize(topic, boot);
    assertThat(
            EventSerdes.connect(RegistrySettings.serdeConfig(settings))
                .value(Boot.class)
                .deserializer()
                .deserialize(topic, bytes))
        .isEqualTo(boot);
  }

  @Test
  void withoutCredentialsOrWithAWrongPasswordTheRegistryRefusesAndNoMessageHoldsThePassword() {
    int before = proxy.refused();
    String topic = "auth-boots-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                ClientSettings.serdes(settings(Map.of()))
                    .value(Boot.class)
                    .serializer()
                    .serialize(topic, boot()))
        .isInstanceOf(RegistryException.class)
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
    String wrong = "wrong-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                ClientSettings.serdes(
                        settings(
                            Map.of(
                                "CRASHWATCH_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO",
                                USER + ":" + wrong)))
                    .value(Boot.class)
                    .serializer()
                    .serialize(topic, boot()))
        .isInstanceOf(RegistryException.class)
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401))
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(wrong).doesNotContain(PASSWORD));
    assertThat(proxy.refused()).isGreaterThanOrEqualTo(before + 2);
  }

  private static String stackTrace(Throwable t) {
    java.io.StringWriter out = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  private static Boot boot() {
    return Boot.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId("device-1")
        .setTenantId("tenant")
        .setRing("canary")
        .setBootId("boot-1")
        .setBootTime(Instant.parse("2024-07-19T04:00:00Z"))
        .setOsBuild("22631.3880")
        .setPreviousShutdown(ShutdownKind.CLEAN)
        .setComponents(Map.of("acme.sensor", "7.11.18110"))
        .build();
  }
}
