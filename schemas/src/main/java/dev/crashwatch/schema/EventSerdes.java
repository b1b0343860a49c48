package dev.crashwatch.schema;

import dev.crashwatch.serde.AvroSerde;
import dev.crashwatch.serde.RegistryClient;
import dev.crashwatch.serde.SerdeConfig;
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

  private EventSerdes(RegistryClient registry, Map<String, Object> config) {
    this.registry = registry;
    this.config = config;
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

  public RegistryClient registry() {
    return registry;
  }
}
