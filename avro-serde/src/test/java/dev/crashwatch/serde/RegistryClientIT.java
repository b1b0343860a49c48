package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The registry client against the real registry of local-stack (Apicurio, ccompat API). */
class RegistryClientIT {
  private static final Schema V1 =
      SchemaBuilder.record("Heartbeat")
          .namespace("it")
          .fields()
          .requiredString("deviceId")
          .endRecord();
  private static final Schema V2_WITH_DEFAULT =
      SchemaBuilder.record("Heartbeat")
          .namespace("it")
          .fields()
          .requiredString("deviceId")
          .name("health")
          .type()
          .stringType()
          .stringDefault("ok")
          .endRecord();
  private static final Schema V2_REQUIRED_FIELD =
      SchemaBuilder.record("Heartbeat")
          .namespace("it")
          .fields()
          .requiredString("deviceId")
          .requiredLong("timeMs")
          .endRecord();

  private final String url = TopicIo.stack().schemaRegistryUrl();

  private static String subject() {
    return "it-" + UUID.randomUUID() + "-value";
  }

  private RegistryClient client() {
    return RegistryClient.forUrl(url);
  }

  @Test
  void aSchemaRegisteredAsTextHasTheIdOfTheSameSchemaRegisteredAsASchema() {
    String subject = subject();
    RegistryClient textClient = client();

    int id = textClient.register(subject, V1.toString(), V1.getFullName());

    assertThat(client().register(subject, V1)).isEqualTo(id);
    assertThat(client().lookupId(subject, V1.toString(), V1.getFullName())).isEqualTo(id);
    long requests = textClient.httpRequestCount();
    assertThat(textClient.register(subject, V1.toString(), V1.getFullName())).isEqualTo(id);
    assertThat(textClient.httpRequestCount()).as("answered from the cache").isEqualTo(requests);
    assertThatThrownBy(() -> client().lookupId(subject(), V1.toString(), V1.getFullName()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("it.Heartbeat is not registered under subject");
    assertThatThrownBy(
            () -> client().register(subject, V2_REQUIRED_FIELD.toString(), "it.Heartbeat"))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("schema it.Heartbeat is incompatible with subject " + subject);
  }

  @Test
  void registersLooksUpAndFetchesById() {
    String subject = subject();
    RegistryClient writer = client();
    int id = writer.register(subject, V1);
    assertThat(writer.register(subject, V1)).isEqualTo(id);
    assertThat(writer.httpRequestCount()).isEqualTo(1);

    RegistryClient other = client();
    assertThat(other.lookupId(subject, V1)).isEqualTo(id);
    RegistryClient reader = client();
    assertThat(reader.schemaById(id)).isEqualTo(V1);
    assertThat(reader.schemaById(id)).isEqualTo(V1);
    assertThat(reader.httpRequestCount()).isEqualTo(1);
  }

  /**
   * Two stream threads, or two instances, dead-lettering for the first time register the same
   * schema under a new subject at once; Apicurio answers the second create 409 "already exists",
   * which is no incompatibility (found by {@code bench processor} with two stream threads).
   */
  @Test
  void clientsRegisteringTheSameSchemaAtOnceUnderANewSubjectAllGetItsId() throws Exception {
    int clients = 6;
    for (int round = 0; round < 5; round++) {
      String subject = subject();
      CyclicBarrier start = new CyclicBarrier(clients);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> ids = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          RegistryClient client = client();
          ids.add(
              pool.submit(
                  () -> {
                    start.await();
                    return client.register(subject, V1);
                  }));
        }
        Set<Integer> distinct = new HashSet<>();
        for (Future<Integer> id : ids) {
          distinct.add(id.get(30, TimeUnit.SECONDS));
        }
        assertThat(distinct).as("round %d", round).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void registersCanonicalTextSoFormattingDoesNotMintNewIds() {
    // Apicurio compares schema text: the same schema with other whitespace would get a new id.
    String pretty =
        """
        {
          "type" : "record", "namespace" : "it", "name" : "Heartbeat",
          "fields" : [ { "name" : "deviceId", "type" : "string" } ]
        }
        """;
    String subject = subject();
    int id = client().register(subject, V1);
    assertThat(client().register(subject, new Schema.Parser().parse(pretty))).isEqualTo(id);
  }

  @Test
  void checksCompatibilityAndRefusesIncompatibleSchemasWithATypedError() {
    String subject = subject();
    RegistryClient client = client();
    assertThat(client.isCompatible(subject, V1)).as("nothing registered yet").isTrue();
    int v1 = client.register(subject, V1);

    assertThat(client.isCompatible(subject, V2_WITH_DEFAULT)).isTrue();
    assertThat(client.isCompatible(subject, V2_REQUIRED_FIELD)).isFalse();
    assertThatThrownBy(() -> client.register(subject, V2_REQUIRED_FIELD))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> {
              assertThat(e.error()).isEqualTo(SerdeError.INCOMPATIBLE_SCHEMA);
              assertThat(e.status()).isEqualTo(409);
            })
        .hasMessageContaining(subject)
        .hasMessageContaining("timeMs"); // Apicurio names the offending field

    int v2 = client.register(subject, V2_WITH_DEFAULT);
    assertThat(v2).isNotEqualTo(v1);
  }

  @Test
  void readsAndSetsSubjectConfig() {
    String subject = subject();
    RegistryClient client = client();
    // Confluent: 404 (empty) for a subject without its own config; Apicurio: 200 once it exists.
    assertThat(client.subjectCompatibility(subject)).isEmpty();
    client.register(subject, V1);
    assertThat(client.subjectCompatibility(subject)).isPresent();

    assertThat(client.setSubjectCompatibility(subject, "FULL")).isEqualTo("FULL");
    assertThat(client.subjectCompatibility(subject)).contains("FULL");
  }

  @Test
  void unregisteredSchemaAndUnknownIdAreTypedErrors() {
    String subject = subject();
    RegistryClient client = client();
    assertThatThrownBy(() -> client.lookupId(subject, V1))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_NOT_REGISTERED))
        .hasMessageContaining(subject);
    client.register(subject, V1);
    assertThatThrownBy(() -> client.lookupId(subject, V2_WITH_DEFAULT))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_NOT_REGISTERED));

    assertThatThrownBy(() -> client.schemaById(987_654_321))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.error()).isEqualTo(SerdeError.UNKNOWN_SCHEMA_ID);
              assertThat(e.status()).isEqualTo(404);
            })
        .hasMessageContaining("987654321")
        .hasMessageContaining(url);
  }
}
