package dev.crashwatch.emitter.event;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * A device finished booting (schema {@code dev.crashwatch.events.Boot}): once per boot, with how
 * the previous boot ended. Every field is required.
 *
 * @param components component id to version, in the order they are encoded
 */
public record BootEvent(
    String eventId,
    String deviceId,
    String tenantId,
    String ring,
    String bootId,
    Instant bootTime,
    String osBuild,
    ShutdownKind previousShutdown,
    Map<String, String> components)
    implements EndpointEvent {

  public BootEvent {
    requireNonNull(eventId, "eventId");
    requireNonNull(deviceId, "deviceId");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(ring, "ring");
    requireNonNull(bootId, "bootId");
    bootTime = AvroWrites.millis("bootTime", bootTime);
    requireNonNull(osBuild, "osBuild");
    requireNonNull(previousShutdown, "previousShutdown");
    components = AvroWrites.copy("components", components);
  }

  @Override
  public EventType type() {
    return EventType.BOOT;
  }

  @Override
  public Instant entered() {
    return bootTime;
  }

  @Override
  public void writeAvro(Encoder out) throws IOException {
    out.writeString(eventId);
    out.writeString(deviceId);
    out.writeString(tenantId);
    out.writeString(ring);
    out.writeString(bootId);
    AvroWrites.millis(out, bootTime);
    out.writeString(osBuild);
    out.writeEnum(previousShutdown.ordinal());
    AvroWrites.stringMap(out, components);
  }

  /** Reads what {@link #writeAvro} wrote. */
  static BootEvent readAvro(Decoder in) throws IOException {
    return new BootEvent(
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        AvroReads.millis(in),
        in.readString(),
        AvroReads.symbol(in, ShutdownKind.class, "previousShutdown"),
        AvroReads.stringMap(in));
  }
}
