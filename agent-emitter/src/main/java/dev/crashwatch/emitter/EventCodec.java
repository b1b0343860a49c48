package dev.crashwatch.emitter;

import dev.crashwatch.emitter.event.EndpointEvent;
import dev.crashwatch.emitter.event.EventType;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * How the emitter keeps an event in its spool: a type byte, then the event in Avro's single-object
 * encoding (the two bytes {@code C3 01}, the 8-byte fingerprint of the schema it was written with,
 * the Avro binary), that writer schema itself being kept in the spool directory ({@link
 * SpoolSchemas}). No registry id: events must be spooled while the registry is unreachable too, so
 * they are registered and put in the wire format only when they are sent. Reading resolves the
 * writer schema to this emitter's own, so an emitter reads what an emitter of an older (or newer)
 * schema version spooled: a field the writer did not have takes its default.
 *
 * <p>Emitters before the fingerprint wrote the type byte and the bare Avro binary of the only
 * schema version they had, version 1 ({@code schemas/released/v1}). Such a record is told apart by
 * its first bytes: a bare event starts with its {@code eventId}, and {@code C3 01} read as a string
 * length is -98, which no valid event has. It is read with this emitter's schema, which equals
 * version 1 ({@code EventCodecTest} fails the day it does not).
 *
 * <p>The endpoint's own events ({@link EndpointEvent}) are spooled in the same form, written
 * without Avro's schema classes, and a spooled event in this emitter's own schema is sent as it is
 * ({@link #currentType}, {@link #BODY_OFFSET}): only an event of another schema version is decoded.
 */
final class EventCodec {

  private static final List<Class<? extends SpecificRecord>> TYPES =
      List.of(Boot.class, Crash.class, SensorHeartbeat.class);

  /** The first two bytes of Avro's single-object encoding. */
  private static final byte[] SINGLE_OBJECT_MARKER = {(byte) 0xC3, 0x01};

  /**
   * Where the Avro binary of a spooled event in the single-object encoding starts: after the type
   * byte, the marker and the 8-byte fingerprint.
   */
  static final int BODY_OFFSET = 1 + SINGLE_OBJECT_MARKER.length + Long.BYTES;

  private final SpoolSchemas schemas;
  private final Map<Schema, BinaryMessageEncoder<IndexedRecord>> encoders =
      new ConcurrentHashMap<>();
  private final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> decoders =
      new ConcurrentHashMap<>();

  EventCodec(SpoolSchemas schemas) {
    this.schemas = schemas;
  }

  /**
   * The spooled form of {@code event}, one of the three event types in any schema version; its
   * schema is in the spool before this returns.
   */
  byte[] encode(IndexedRecord event) {
    Schema schema = event.getSchema();
    int type = typeOf(schema);
    schemas.record(schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(type);
    try {
      encoders
          .computeIfAbsent(
              schema, s -> new BinaryMessageEncoder<>(SpecificModels.forClass(TYPES.get(type)), s))
          .encode(event, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The spooled form of an endpoint event: the same bytes as {@link #encode(IndexedRecord)} of the
   * generated record with the same fields ({@code EndpointEventsTest}); its schema, as text, is in
   * the spool before this returns.
   */
  byte[] encode(EndpointEvent event) {
    EventType type = event.type();
    schemas.record(type);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(type.ordinal());
    out.write(SINGLE_OBJECT_MARKER, 0, SINGLE_OBJECT_MARKER.length);
    long fingerprint = type.fingerprint();
    for (int i = 0; i < Long.BYTES; i++) {
      out.write((int) (fingerprint >>> (8 * i))); // little-endian, as Avro writes it
    }
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      event.writeAvro(encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }

  /**
   * The type of a spooled event written in this emitter's own schema of it, whose Avro binary (from
   * {@link #BODY_OFFSET} on) can be sent as it is; empty for any other spooled form (another schema
   * version, version 1's bare binary, a type byte that does not match), which {@link #decode} must
   * read.
   */
  static Optional<EventType> currentType(byte[] spooled) {
    if (spooled.length < BODY_OFFSET
        || spooled[1] != SINGLE_OBJECT_MARKER[0]
        || spooled[2] != SINGLE_OBJECT_MARKER[1]) {
      return Optional.empty();
    }
    long fingerprint = 0;
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      fingerprint = (fingerprint << 8) | (spooled[3 + i] & 0xFF);
    }
    return EventType.byFingerprint(fingerprint).filter(t -> t.ordinal() == spooled[0]);
  }

  /**
   * The event in this emitter's schema.
   *
   * @throws IllegalArgumentException if the type byte is unknown or the writer schema is not in the
   *     spool
   * @throws UncheckedIOException if the bytes do not decode
   */
  SpecificRecord decode(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] < 0 || bytes[0] >= TYPES.size()) {
      throw new IllegalArgumentException("spooled event has an unknown type byte");
    }
    Class<? extends SpecificRecord> type = TYPES.get(bytes[0]);
    try {
      if (bytes.length > 2
          && bytes[1] == SINGLE_OBJECT_MARKER[0]
          && bytes[2] == SINGLE_OBJECT_MARKER[1]) {
        return decoders
            .computeIfAbsent(
                type,
                t ->
                    new BinaryMessageDecoder<>(
                        SpecificModels.forClass(t), SpecificData.get().getSchema(t), schemas))
            .decode(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
      }
      return decodeVersion1(type, bytes);
    } catch (MissingSchemaException e) {
      throw new IllegalArgumentException(
          "a spooled " + type.getSimpleName() + " names a schema the spool does not hold", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a spooled " + type.getSimpleName(), e);
    }
  }

  private static SpecificRecord decodeVersion1(Class<? extends SpecificRecord> type, byte[] bytes)
      throws IOException {
    Schema schema = SpecificData.get().getSchema(type);
    return new SpecificDatumReader<SpecificRecord>(schema, schema, SpecificModels.forClass(type))
        .read(null, DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
  }

  private static int typeOf(Schema schema) {
    for (int i = 0; i < TYPES.size(); i++) {
      if (SpecificData.get().getSchema(TYPES.get(i)).getFullName().equals(schema.getFullName())) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a telemetry event: " + schema.getFullName());
  }
}
