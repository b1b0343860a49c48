package dev.crashwatch.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes the Confluent wire format. The writer schema comes from the registry by the id in
 * the payload and is resolved against the reader schema with Avro's schema resolution, so a
 * consumer on a newer schema reads records written with an older one.
 *
 * <p>The reader schema is, in order: the specific class given to the constructor; the reader schema
 * given to {@link #withReaderSchema}; with {@code specific.avro.reader=true} the generated class
 * named like the writer's record; otherwise the writer schema itself (GenericRecord out). {@code
 * null} stays {@code null}. Thread-safe.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

  private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

  private RegistryClient client;
  private final Class<T> specificClass;
  private final Schema readerSchema;
  private boolean specificReader;

  /**
   * Resolved readers by writer schema id. The reader schema is a function of the writer schema for
   * one deserializer, so the writer id alone is the (writer, reader) key.
   */
  private BoundedCache<Integer, DatumReader<T>> readers = new BoundedCache<>(1000);

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public AvroDeserializer() {
    this(null, null, null);
  }

  /** Reads into the generated class {@code type}; {@link #configure} must follow. */
  public AvroDeserializer(Class<T> type) {
    this(null, type, null);
  }

  /** Reads GenericRecords (or specific ones, if so configured) with this client. */
  public AvroDeserializer(RegistryClient client) {
    this(client, null, null);
  }

  /** Reads into the generated class {@code type} with this client. */
  public AvroDeserializer(RegistryClient client, Class<T> type) {
    this(client, type, null);
  }

  private AvroDeserializer(RegistryClient client, Class<T> specificClass, Schema readerSchema) {
    this.client = client;
    this.specificClass = specificClass;
    this.readerSchema = readerSchema;
  }

  /** Reads GenericRecords shaped by {@code readerSchema}, whatever version they were written in. */
  public static AvroDeserializer<GenericRecord> withReaderSchema(
      RegistryClient client, Schema readerSchema) {
    return new AvroDeserializer<>(client, null, readerSchema);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    configure(new SerdeConfig(configs));
  }

  void configure(SerdeConfig config) {
    if (client == null) {
      client = new RegistryClient(config);
    }
    this.specificReader = config.specificAvroReader();
    this.readers = new BoundedCache<>(config.cacheCapacity());
  }

  void useClientIfUnset(RegistryClient shared) {
    if (client == null) {
      client = shared;
    }
  }

  public RegistryClient client() {
    return client;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(data, topic);
    DatumReader<T> reader = readers.getOrLoad(id, this::newReader);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, DECODERS.get());
    DECODERS.set(decoder);
    try {
      return reader.read(null, decoder);
    } catch (EOFException e) {
      throw new SerdeException(
          SerdeError.TRUNCATED,
          "Avro body of "
              + data.length
              + "-byte payload on topic "
              + topic
              + " ends early for its schema id "
              + id,
          e);
    } catch (IOException | RuntimeException e) {
      throw new SerdeException(
          SerdeError.SCHEMA_MISMATCH,
          "payload on topic "
              + topic
              + " does not decode with its schema id "
              + id
              + ": "
              + RegistryClient.causes(e),
          e);
    }
  }

  private DatumReader<T> newReader(int writerId) {
    Schema writer = client.schemaById(writerId);
    Class<?> generated = specificClassFor(writer);
    Schema reader =
        generated != null
            ? SpecificData.get().getSchema(generated)
            : readerSchema != null ? readerSchema : writer;
    if (reader != writer) {
      // Checked here, once per writer id, so the error names the fields; Avro's own failure at
      // read time would only say what it expected where.
      SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new SerdeException(
            SerdeError.SCHEMA_MISMATCH,
            "writer schema id "
                + writerId
                + " ("
                + writer.getFullName()
                + ") cannot be read as "
                + reader.getFullName()
                + ": "
                + result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getMessage() + " at " + i.getLocation())
                    .collect(Collectors.joining("; ")));
      }
    }
    if (generated != null) {
      return SpecificModels.fastReader(writer, reader, generated);
    }
    return new GenericDatumReader<>(writer, reader, GenericData.get());
  }

  /** The generated class to read into, or null to read GenericRecords. */
  private Class<?> specificClassFor(Schema writer) {
    if (specificClass != null) {
      return specificClass;
    }
    if (readerSchema != null || !specificReader || writer.getType() != Schema.Type.RECORD) {
      return null;
    }
    Class<?> generated;
    try {
      generated = SpecificData.get().getClass(writer);
    } catch (SecurityException e) {
      // The class is named by the writer's schema, which came from the registry: Avro's trust
      // check applies (see SpecificModels). A configuration problem, not a bad record.
      throw new ConfigException(
          SerdeConfig.SPECIFIC_AVRO_READER
              + "=true needs the package of "
              + writer.getFullName()
              + " trusted: run with -Dorg.apache.avro.SERIALIZABLE_PACKAGES=<package>, or pass the"
              + " class to the deserializer's constructor. Avro said: "
              + e.getMessage());
    }
    if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
      throw new SerdeException(
          SerdeError.SCHEMA_MISMATCH,
          SerdeConfig.SPECIFIC_AVRO_READER
              + " is true but no generated class "
              + writer.getFullName()
              + " is on the classpath");
    }
    return generated;
  }
}
