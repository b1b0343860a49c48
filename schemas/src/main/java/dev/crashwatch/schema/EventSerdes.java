package dev.crashwatch.schema;

import dev.crashwatch.serde.AvroSerde;
import dev.crashwatch.serde.RegistryClient;
import dev.crashwatch.serde.SerdeConfig;
import dev.crashwatch.serde.SubjectNameStrategy;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Value serdes for the event classes, all sharing one {@link RegistryClient} so that its caches
 * serve every topic: after warm-up the hot path makes no HTTP call.
 */
public final class EventSerdes {

  private final RegistryClient registry;
  private final Map<String, Object> config;
  private final SubjectNameStrategy valueSubjects;
  private final boolean autoRegister;

  private EventSerdes(RegistryClient registry, Map<String, Object> config) {
    this.registry = registry;
    this.config = config;
    SerdeConfig serdeConfig = new SerdeConfig(config);
    this.valueSubjects = serdeConfig.subjectNameStrategy(false);
    this.autoRegister = serdeConfig.autoRegisterSchemas();
  }

  /**
   * @param serdeConfig at least {@code schema.registry.url}; Confluent's serde keys are understood
   *     (auto.register.schemas, basic.auth.user.info, schema.registry.ssl.*, ...)
   */
  public static EventSerdes connect(Map<String, ?> serdeConfig) {
    Map<String, Object> config = new HashMap<>(serdeConfig);
    return new EventSerdes(new RegistryClient(new SerdeConfig(config)), config);
  }

  /** Shorthand for a registry at {@code url} with default settings. */
  public static EventSerdes connect(String url) {
    return connect(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url));
  }

  /** A configured value serde of the generated class {@code type}. */
  public <T extends SpecificRecord> AvroSerde<T> value(Class<T> type) {
    AvroSerde<T> serde = new AvroSerde<>(registry, type);
    serde.configure(config, false);
    return serde;
  }

  /**
   * The registry id of a value schema held as text (Avro's {@code Schema.toString()} of it), under
   * the subject the serdes use for {@code topic}: registered if {@code auto.register.schemas}, else
   * looked up, as the serializer does. For a producer that encodes without Avro's schema classes
   * (the endpoint emitter); cached.
   */
  public int valueSchemaId(String topic, String recordFullName, String schemaText) {
    String subject = valueSubjects.subjectName(topic, false, recordFullName);
    return autoRegister
        ? registry.register(subject, schemaText, recordFullName)
        : registry.lookupId(subject, schemaText, recordFullName);
  }

  public RegistryClient registry() {
    return registry;
  }
}
