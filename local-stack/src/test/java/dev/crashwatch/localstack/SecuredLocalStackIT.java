package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.access.AccessPlan;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secured local stack itself (real KRaft broker with SASL_SSL and StandardAuthorizer, real
 * Apicurio over HTTPS): it starts, its principals log in with the passwords of their client files,
 * and a registry client must trust the generated CA. The full access matrix is launcher's
 * AccessMatrixIT.
 */
class SecuredLocalStackIT {

  static final AccessPlan PLAN =
      new AccessPlan(
          new AccessPlan.Names(
              List.of("sec-boots", "sec-crashes", "sec-heartbeats"),
              "sec-catalogue",
              List.of("sec-signals"),
              "sec-vendor-health.",
              "sec-app"));

  private static LocalStack stack;

  @BeforeAll
  static void start() {
    stack = LocalStack.sharedSecured(PLAN);
    stack.createTopics(1, "sec-boots", "sec-signals");
  }

  @Test
  void emitterWritesTelemetryAndIsRefusedElsewhere() throws Exception {
    try (KafkaProducer<String, String> producer =
        producer(stack.kafkaClientProperties("emitter"))) {
      producer.send(new ProducerRecord<>("sec-boots", "d", "boot")).get(30, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>("sec-signals", "d", "forged"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    Map<String, String> wrong = new HashMap<>(stack.kafkaClientProperties("emitter"));
    wrong.put(
        "sasl.jaas.config",
        dev.crashwatch.access.ScramClient.jaasConfig("emitter", "not-the-password"));
    Map<String, Object> props = new HashMap<>(wrong);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void clientFilesAreOwnerOnlyAndHoldThePassword() throws Exception {
    var file = stack.clientConfigFile("soc");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file))
        .contains(stack.kafkaClientProperties("soc").get("ssl.truststore.location"));
  }

  @Test
  void registryServesHttpsOnlyWithTheGeneratedCertificate() throws Exception {
    String url = stack.schemaRegistryUrl();
    assertThat(url).startsWith("https://");
    HttpClient trusting =
        HttpClient.newBuilder()
            .sslContext(LocalSchemaRegistry.trusting(stack.certificates().orElseThrow()))
            .build();
    HttpResponse<String> answer =
        trusting.send(
            HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);

    HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                defaultTrust.send(
                    HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
    String plain = url.replace("https://", "http://");
    assertThatThrownBy(
            () ->
                defaultTrust.send(
                    HttpRequest.newBuilder(URI.create(plain + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isNotInstanceOf(ConnectException.class)
        .isInstanceOf(java.io.IOException.class);
  }

  private static KafkaProducer<String, String> producer(Map<String, String> security) {
    Map<String, Object> props = new HashMap<>(security);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }
}
