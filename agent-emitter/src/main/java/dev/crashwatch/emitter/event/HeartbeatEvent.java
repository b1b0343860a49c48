package dev.crashwatch.emitter.event;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * A security sensor's heartbeat (schema {@code dev.crashwatch.events.SensorHeartbeat}). {@code
 * contentVersion} may be null; every other field is required.
 *
 * @param components component id to version, in the order they are encoded
 */
public record HeartbeatEvent(
    String eventId,
    String deviceId,
    String tenantId,
    String ring,
    String vendor,
    String product,
    String agentVersion,
    String contentVersion,
    SensorMode mode,
    SensorHealth health,
    Instant time,
    Map<String, String> components)
    implements EndpointEvent {

  public HeartbeatEvent {
    requireNonNull(eventId, "eventId");
    requireNonNull(deviceId, "deviceId");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(ring, "ring");
    requireNonNull(vendor, "vendor");
    requireNonNull(product, "product");
    requireNonNull(agentVersion, "agentVersion");
    requireNonNull(mode, "mode");
    requireNonNull(health, "health");
    time = AvroWrites.millis("time", time);
    components = AvroWrites.copy("components", components);
  }

  @Override
  public EventType type() {
    return EventType.HEARTBEAT;
  }

  @Override
  public Instant entered() {
    return time;
  }

  @Override
  public void writeAvro(Encoder out) throws IOException {
    out.writeString(eventId);
    out.writeString(deviceId);
    out.writeString(tenantId);
    out.writeString(ring);
    out.writeString(vendor);
    out.writeString(product);
    out.writeString(agentVersion);
    AvroWrites.nullableString(out, contentVersion);
    out.writeEnum(mode.ordinal());
    out.writeEnum(health.ordinal());
    AvroWrites.millis(out, time);
    AvroWrites.stringMap(out, components);
  }

  /** Reads what {@link #writeAvro} wrote. */
  static HeartbeatEvent readAvro(Decoder in) throws IOException {
    return new HeartbeatEvent(
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        in.readString(),
        AvroReads.nullableString(in, "contentVersion"),
        AvroReads.symbol(in, SensorMode.class, "mode"),
        AvroReads.symbol(in, SensorHealth.class, "health"),
        AvroReads.millis(in),
        AvroReads.stringMap(in));
  }
}
