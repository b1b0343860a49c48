package dev.crashwatch.emitter.event;

import dev.crashwatch.schema.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The three event types an endpoint sends, each with its schema as text: exactly what Avro's {@code
 * Schema.toString()} gives for the generated class, which is what every other producer of the
 * pipeline registers (a registry that compares text, as Apicurio does, then gives the same id), and
 * its fingerprint, Avro's 64-bit CRC of the schema's parsing canonical form, by which the spool
 * names the schema an event was written with. Both are checked against the generated classes by
 * {@code EndpointEventsTest}, which fails with the new text the day a schema changes.
 *
 * <p>The order is the spool's type byte ({@code EventCodec}): never reorder.
 */
public enum EventType {
  BOOT("dev.crashwatch.events.Boot", 0x3E30EE1A4CF20D3AL, "Boot.avsc"),
  CRASH("dev.crashwatch.events.Crash", 0xE55B747E8F3BF3F9L, "Crash.avsc"),
  HEARTBEAT("dev.crashwatch.events.SensorHeartbeat", 0x882AC43F61CBBC86L, "SensorHeartbeat.avsc");

  private final String fullName;
  private final long fingerprint;
  private final String resource;
  private volatile String schemaText;

  EventType(String fullName, long fingerprint, String resource) {
    this.fullName = fullName;
    this.fingerprint = fingerprint;
    this.resource = resource;
  }

  /** The record's full name, e.g. {@code dev.crashwatch.events.Boot}. */
  public String fullName() {
    return fullName;
  }

  /** Avro's parsing fingerprint (CRC-64-AVRO) of the schema. */
  public long fingerprint() {
    return fingerprint;
  }

  /** The schema, as Avro's {@code Schema.toString()} writes it. */
  public String schemaText() {
    String text = schemaText;
    if (text == null) {
      try (InputStream in = EventType.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the emitter jar lacks its schema " + resource);
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the schema " + resource, e);
      }
      schemaText = text;
    }
    return text;
  }

  /**
   * The event whose Avro binary in this type's schema is {@code bytes} from {@code offset} to the
   * end: a check that spooled bytes are one whole valid event before they are sent as they are.
   *
   * @throws IllegalArgumentException naming what does not decode, or the bytes left over
   */
  public EndpointEvent read(byte[] bytes, int offset) {
    BinaryDecoder in =
        DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
    try {
      EndpointEvent event =
          switch (this) {
            case BOOT -> BootEvent.readAvro(in);
            case CRASH -> CrashEvent.readAvro(in);
            case HEARTBEAT -> HeartbeatEvent.readAvro(in);
          };
      if (!in.isEnd()) {
        throw new IllegalArgumentException(
            "a spooled " + simpleName() + " has bytes after its last field");
      }
      return event;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("a spooled")) {
        throw iae;
      }
      throw new IllegalArgumentException("a spooled " + simpleName() + " does not decode: " + e, e);
    }
  }

  private String simpleName() {
    return fullName.substring(fullName.lastIndexOf('.') + 1);
  }

  /** The input topic of this type. */
  public String topicIn(Topics topics) {
    return switch (this) {
      case BOOT -> topics.boots();
      case CRASH -> topics.crashes();
      case HEARTBEAT -> topics.heartbeats();
    };
  }

  /** The type whose current schema has this fingerprint, if any. */
  public static Optional<EventType> byFingerprint(long fingerprint) {
    for (EventType t : values()) {
      if (t.fingerprint == fingerprint) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
