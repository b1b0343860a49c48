package dev.crashwatch.emitter;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How the emitter keeps an event in its spool: a type byte and plain Avro binary of the event's own
 * schema, with no registry id. Events must be spooled while the registry is unreachable too, so
 * they are registered and put in the wire format only when they are sent.
 */
final class EventCodec {

  private static final List<Class<? extends SpecificRecord>> TYPES =
      List.of(Boot.class, Crash.class, SensorHeartbeat.class);

  private EventCodec() {}

  static byte[] encode(SpecificRecord event) {
    int type = TYPES.indexOf(event.getClass());
    if (type < 0) {
      throw new IllegalArgumentException("not a telemetry event: " + event.getClass());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(type);
    var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new SpecificDatumWriter<SpecificRecord>(
              event.getSchema(), SpecificModels.forClass(event.getClass()))
          .write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static SpecificRecord decode(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] < 0 || bytes[0] >= TYPES.size()) {
      throw new IllegalArgumentException("spooled event has an unknown type byte");
    }
    Class<? extends SpecificRecord> type = TYPES.get(bytes[0]);
    var schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
    var reader =
        new SpecificDatumReader<SpecificRecord>(schema, schema, SpecificModels.forClass(type));
    try {
      return reader.read(
          null, DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a spooled " + type.getSimpleName(), e);
    }
  }
}
