package dev.crashwatch.emitter.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.serde.RegistryClient;
import dev.crashwatch.serde.RegistryException;
import dev.crashwatch.serde.SerdeConfig;
import dev.crashwatch.serde.SerdeError;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ids the endpoint gets for the schemas it holds as text, on the real registry of {@link
 * LocalStack#shared()}: the same ids as the generated classes' schemas registered as schemas, so
 * that a secured stack, where an administrator registers the schemas and emitters may only look
 * them up ({@code schema.registry.auto.register=false}), serves the endpoint too.
 */
class EndpointSchemaIdsIT {

  private final String url = LocalStack.shared().schemaRegistryUrl();

  @Test
  void withoutAutoRegistrationTheEndpointFindsTheIdOfTheSchemaAnAdministratorRegistered() {
    String topic = "ids-" + UUID.randomUUID();
    int registered = RegistryClient.forUrl(url).register(topic + "-value", Boot.SCHEMA$);
    EventSerdes lookUpOnly =
        EventSerdes.connect(
            Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url, SerdeConfig.AUTO_REGISTER_SCHEMAS, false));

    assertThat(
            lookUpOnly.valueSchemaId(topic, EventType.BOOT.fullName(), EventType.BOOT.schemaText()))
        .isEqualTo(registered);
    String unregistered = "ids-" + UUID.randomUUID();
    assertThatThrownBy(
            () ->
                lookUpOnly.valueSchemaId(
                    unregistered, EventType.BOOT.fullName(), EventType.BOOT.schemaText()))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_NOT_REGISTERED));
  }

  @Test
  void withAutoRegistrationTheSubjectFollowsTheConfiguredStrategy() {
    String topic = "ids-" + UUID.randomUUID();
    EventSerdes byRecordName =
        EventSerdes.connect(
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL,
                url,
                SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "TopicRecordNameStrategy"));

    int id =
        byRecordName.valueSchemaId(
            topic, EventType.HEARTBEAT.fullName(), EventType.HEARTBEAT.schemaText());

    assertThat(
            RegistryClient.forUrl(url)
                .lookupId(
                    topic + "-dev.crashwatch.events.SensorHeartbeat", SensorHeartbeat.SCHEMA$))
        .isEqualTo(id);
  }
}
