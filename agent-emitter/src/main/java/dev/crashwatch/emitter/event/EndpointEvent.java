package dev.crashwatch.emitter.event;

import java.io.IOException;
import java.time.Instant;
import org.apache.avro.io.Encoder;

/**
 * An event as the endpoint emitter builds it: a boot, a crash report or a sensor heartbeat, with
 * the fields of its schema ({@code schemas/src/main/avro}), that writes its own Avro binary.
 *
 * <p>Why the endpoint does not use the generated classes of {@code dev.crashwatch.events}: each of
 * them parses its schema when it is loaded, and loading Avro's {@code Schema} class builds a
 * Jackson {@code ObjectMapper}; together some 1,000 classes and 9 MiB of an idle JVM's memory, an
 * eighth of the emitter's. Here the schemas are text the emitter sends to the registry ({@link
 * EventType}), and the binary is written with Avro's own {@code Encoder}, field by field in the
 * schema's order, as Avro's generated encoders do. The bytes are Avro's ({@code EndpointEventsTest}
 * compares them with Avro's writer for every field, null and empty). Avro's schema classes still
 * load when a spool holds events of another schema version, which must be resolved ({@code
 * EventCodec}).
 */
public sealed interface EndpointEvent permits BootEvent, CrashEvent, HeartbeatEvent {

  EventType type();

  /** The Kafka key: all of a device's events share a partition. */
  String deviceId();

  /** The record timestamp: a boot's or heartbeat's own time, a crash report's upload time. */
  Instant entered();

  /** Writes the event's Avro binary in its schema ({@link EventType#schemaText()}). */
  void writeAvro(Encoder out) throws IOException;
}
