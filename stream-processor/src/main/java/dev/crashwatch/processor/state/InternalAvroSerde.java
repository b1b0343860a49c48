package dev.crashwatch.processor.state;

import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the processor's own state and repartition records: plain Avro binary behind one format
 * byte, with no registry. These records never leave the application, so a registry lookup would
 * only add latency; the format byte leaves room to change the schema with a migration.
 */
public final class InternalAvroSerde<T extends SpecificRecordBase> implements Serde<T> {

  static final byte FORMAT_V1 = 1;

  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;
  private final Class<T> type;

  public InternalAvroSerde(Class<T> type, org.apache.avro.Schema schema) {
    this.type = type;
    // The application names the class, so its types are trusted without a JVM-wide Avro flag.
    this.writer = new SpecificDatumWriter<>(schema, SpecificModels.forClass(type));
    this.reader = new SpecificDatumReader<>(schema, schema, SpecificModels.forClass(type));
  }

  @Override
  public Serializer<T> serializer() {
    return new Serializer<>() {
      private BinaryEncoder encoder;

      @Override
      public byte[] serialize(String topic, T data) {
        if (data == null) {
          return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(FORMAT_V1);
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        try {
          writer.write(data, encoder);
          encoder.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return out.toByteArray();
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return new Deserializer<>() {
      private BinaryDecoder decoder;

      @Override
      public T deserialize(String topic, byte[] data) {
        if (data == null) {
          return null;
        }
        if (data.length == 0 || data[0] != FORMAT_V1) {
          throw new SerializationException(
              "internal "
                  + type.getSimpleName()
                  + " record in "
                  + topic
                  + " has unknown format byte");
        }
        decoder = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, decoder);
        try {
          return reader.read(null, decoder);
        } catch (IOException e) {
          throw new SerializationException("cannot decode internal " + type.getSimpleName(), e);
        }
      }
    };
  }
}
