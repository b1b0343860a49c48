package dev.crashwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes Avro records (GenericRecord, SpecificRecord, anything {@link GenericContainer}) to the
 * Confluent wire format, registering (or, with {@code auto.register.schemas=false}, looking up) the
 * record's schema under the subject chosen by the subject name strategy. {@code null} stays {@code
 * null} (a tombstone), as with Confluent's serializer. Thread-safe.
 *
 * <p>Either construct it with a {@link RegistryClient} (ready to use, value subjects, default
 * config), or let Kafka instantiate it and call {@link #configure}.
 */
public class AvroSerializer<T> implements Serializer<T> {

  /** Per thread: Kafka may call one serializer from many producer threads at once. */
  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private static final class Buffer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder;
  }

  private RegistryClient client;
  private SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC_NAME;
  private boolean autoRegister = true;
  private boolean isKey;
  private BoundedCache<Schema, DatumWriter<Object>> genericWriters = new BoundedCache<>(1000);
  private BoundedCache<Schema, DatumWriter<Object>> specificWriters = new BoundedCache<>(1000);

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public AvroSerializer() {}

  public AvroSerializer(RegistryClient client) {
    this.client = client;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    configure(new SerdeConfig(configs), isKey);
  }

  void configure(SerdeConfig config, boolean isKey) {
    if (client == null) {
      client = new RegistryClient(config);
    }
    this.isKey = isKey;
    this.strategy = config.subjectNameStrategy(isKey);
    this.autoRegister = config.autoRegisterSchemas();
    this.genericWriters = new BoundedCache<>(config.cacheCapacity());
    this.specificWriters = new BoundedCache<>(config.cacheCapacity());
  }

  /** Lets {@link AvroSerde} share one client between its serializer and deserializer. */
  void useClientIfUnset(RegistryClient shared) {
    if (client == null) {
      client = shared;
    }
  }

  public RegistryClient client() {
    return client;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof GenericContainer container)) {
      throw new SerdeException(
          SerdeError.SCHEMA_MISMATCH,
          "cannot serialize a "
              + data.getClass().getName()
              + " for topic "
              + topic
              + ": only Avro records (GenericRecord, SpecificRecord) are supported");
    }
    if (client == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = container.getSchema();
    String subject = strategy.subjectName(topic, isKey, schema);
    int id = autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);
    return encode(topic, id, schema, data);
  }

  private byte[] encode(String topic, int id, Schema schema, Object data) {
    DatumWriter<Object> writer =
        data instanceof SpecificRecord
            ? specificWriters.getOrLoad(
                schema, s -> new SpecificDatumWriter<>(s, SpecificModels.forClass(data.getClass())))
            : genericWriters.getOrLoad(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
    Buffer buffer = BUFFERS.get();
    buffer.out.reset();
    WireFormat.writeHeader(buffer.out, id);
    buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
    try {
      writer.write(data, buffer.encoder);
      buffer.encoder.flush();
    } catch (IOException | RuntimeException e) {
      // A failed write leaves bytes in the encoder's buffer, which the next configure would flush
      // into the next record: never reuse it.
      buffer.encoder = null;
      throw new SerdeException(
          SerdeError.SCHEMA_MISMATCH,
          "record of type "
              + schema.getFullName()
              + " for topic "
              + topic
              + " does not match its schema (id "
              + id
              + "): "
              + e.getMessage(),
          e);
    }
    return buffer.out.toByteArray();
  }
}
