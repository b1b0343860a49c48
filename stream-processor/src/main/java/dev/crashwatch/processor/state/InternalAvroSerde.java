package dev.crashwatch.processor.state;

import dev.crashwatch.serde.SpecificModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Serde for the processor's own state and repartition records: plain Avro binary behind one format
 * byte, with no registry. These records never leave the application, so a registry lookup would
 * only add latency; the format byte leaves room to change the schema with a migration.
 *
 * <p>Every state read and write of the processor passes here (about a third of its stream threads'
 * time, measured by {@code crashwatch bench processor}), so the hot path allocates only the bytes
 * it returns and the record it reads: records are read with Avro's fast reader ({@link
 * SpecificModels#fastReader}) and written by their classes' generated encoders ({@link
 * SpecificModels#withGeneratedEncoders}), and each thread keeps its encoder, its decoder and a
 * growing output buffer. Per thread, not per serializer: Kafka Streams builds a repartition topic's
 * serializer and deserializer once per topology and calls the same objects from every stream
 * thread.
 *
 * <p>The decoder hands out one shared object per distinct string ({@link CanonicalStringDecoder}):
 * the strings of the device states are the same few thousand components, versions and tenants in
 * millions of records. Measured by {@code crashwatch bench processor} against decoding each anew,
 * in the same runs: about a tenth less stream-thread CPU per event.
 */
public final class InternalAvroSerde<T extends SpecificRecordBase> implements Serde<T> {

  static final byte FORMAT_V1 = 1;

  /** Per thread: the same serializer is called from every stream thread at once. */
  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  /**
   * Distinct short strings each thread's decoder shares ({@link CanonicalStrings}): some thousands
   * of components, versions and tenants within the ingest limits, with room to spare.
   */
  static final int CANONICAL_STRINGS = 16_384;

  private static final ThreadLocal<CanonicalStringDecoder> DECODERS =
      ThreadLocal.withInitial(
          () -> new CanonicalStringDecoder(new CanonicalStrings(CANONICAL_STRINGS)));

  private static final class Buffer {
    // Kept between records: it grows to the largest record once instead of doubling from a small
    // array on every one (the figures records are hundreds of bytes).
    final ByteBufferOutputStream out = new ByteBufferOutputStream(256);
    // Buffered: one copy into the output per record instead of a call per field.
    BinaryEncoder encoder;
  }

  private final SpecificDatumWriter<T> writer;
  private final DatumReader<T> reader;
  private final Class<T> type;

  /**
   * @param type the generated record class; its own schema is both the writer's and the reader's (a
   *     record of another schema needs a migration, behind a new format byte)
   */
  public InternalAvroSerde(Class<T> type) {
    this.type = type;
    org.apache.avro.Schema schema = SpecificData.get().getSchema(type);
    // The application names the class, so its types are trusted without a JVM-wide Avro flag; and
    // since the writer's schema is the class's own, its generated encoder writes the same bytes as
    // Avro's schema-walking writer, in less time (InternalAvroSerdeTest compares them).
    this.writer = new SpecificDatumWriter<>(schema, SpecificModels.withGeneratedEncoders(type));
    this.reader = SpecificModels.fastReader(schema, schema, type);
  }

  /**
   * The bytes every serialized record whose first field is an enum at {@code ordinal} starts with:
   * the format byte, then Avro's zig-zag varint of the ordinal. Keys sort by these bytes in a
   * RocksDB store, so a prefix scan with them reads one kind of key only (see {@code StatsKey}).
   */
  public static byte[] enumPrefix(int ordinal) {
    if (ordinal < 0) {
      throw new IllegalArgumentException("enum ordinal " + ordinal);
    }
    ByteBufferOutputStream out = new ByteBufferOutputStream(6);
    out.write(FORMAT_V1);
    long zigZag = (long) ordinal << 1;
    while ((zigZag & ~0x7FL) != 0) {
      out.write((int) ((zigZag & 0x7F) | 0x80));
      zigZag >>>= 7;
    }
    out.write((int) zigZag);
    return Arrays.copyOf(out.buffer().array(), out.position());
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      Buffer buffer = BUFFERS.get();
      ByteBufferOutputStream out = buffer.out;
      out.position(0);
      out.write(FORMAT_V1);
      buffer.encoder = EncoderFactory.get().binaryEncoder(out, buffer.encoder);
      try {
        writer.write(data, buffer.encoder);
        buffer.encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Arrays.copyOf(out.buffer().array(), out.position());
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
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
      CanonicalStringDecoder decoder = DECODERS.get();
      decoder.on(DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, decoder.binary()));
      try {
        return reader.read(null, decoder);
      } catch (IOException e) {
        throw new SerializationException("cannot decode internal " + type.getSimpleName(), e);
      }
    };
  }
}
