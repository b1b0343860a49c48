package dev.crashwatch.serde;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} as a Kafka Streams {@link Serde}, sharing one
 * {@link RegistryClient} (and so its caches).
 *
 * <pre>{@code
 * var crashes = new AvroSerde<>(Crash.class);
 * crashes.configure(Map.of("schema.registry.url", url), false);
 * }</pre>
 */
public class AvroSerde<T> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** GenericRecord (or specific with {@code specific.avro.reader}); configure before use. */
  public AvroSerde() {
    this(new AvroSerializer<>(), new AvroDeserializer<>());
  }

  /** The generated class {@code type}; configure before use. */
  public AvroSerde(Class<T> type) {
    this(new AvroSerializer<>(), new AvroDeserializer<>(type));
  }

  /** GenericRecord through {@code client}; usable at once for values. */
  public AvroSerde(RegistryClient client) {
    this(new AvroSerializer<>(client), new AvroDeserializer<>(client));
  }

  /** The generated class {@code type} through {@code client}; usable at once for values. */
  public AvroSerde(RegistryClient client, Class<T> type) {
    this(new AvroSerializer<>(client), new AvroDeserializer<>(client, type));
  }

  private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    RegistryClient client = serializer.client();
    if (client == null) {
      client = new RegistryClient(config);
    }
    serializer.useClientIfUnset(client);
    deserializer.useClientIfUnset(client);
    serializer.configure(config, isKey);
    deserializer.configure(config);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
