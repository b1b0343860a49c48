package dev.crashwatch.emitter.event;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * A crash report (schema {@code dev.crashwatch.events.Crash}), uploaded after the crash, usually by
 * the boot that followed it. {@code ring}, {@code bugcheckCode}, {@code faultingModule}, {@code
 * faultingModuleVersion} and {@code bucketId} may be null; every other field is required.
 *
 * @param components component id to version at the crash, in the order they are encoded
 */
public record CrashEvent(
    String eventId,
    String deviceId,
    String tenantId,
    String ring,
    String bootId,
    Instant crashTime,
    Instant uploadTime,
    CrashKind kind,
    String bugcheckCode,
    List<String> bugcheckParameters,
    String faultingModule,
    String faultingModuleVersion,
    String bucketId,
    Map<String, String> components)
    implements EndpointEvent {

  public CrashEvent {
    requireNonNull(eventId, "eventId");
    requireNonNull(deviceId, "deviceId");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(bootId, "bootId");
    crashTime = AvroWrites.millis("crashTime", crashTime);
    uploadTime = AvroWrites.millis("uploadTime", uploadTime);
    requireNonNull(kind, "kind");
    bugcheckParameters = AvroWrites.copy("bugcheckParameters", bugcheckParameters);
    components = AvroWrites.copy("components", components);
  }

  @Override
  public EventType type() {
    return EventType.CRASH;
  }

  @Override
  public Instant entered() {
    return uploadTime;
  }

  @Override
  public void writeAvro(Encoder out) throws IOException {
    out.writeString(eventId);
    out.writeString(deviceId);
    out.writeString(tenantId);
    AvroWrites.nullableString(out, ring);
    out.writeString(bootId);
    AvroWrites.millis(out, crashTime);
    AvroWrites.millis(out, uploadTime);
    out.writeEnum(kind.ordinal());
    AvroWrites.nullableString(out, bugcheckCode);
    AvroWrites.stringArray(out, bugcheckParameters);
    AvroWrites.nullableString(out, faultingModule);
    AvroWrites.nullableString(out, faultingModuleVersion);
    AvroWrites.nullableString(out, bucketId);
    AvroWrites.stringMap(out, components);
  }

  /** Reads what {@link #writeAvro} wrote. */
  static CrashEvent readAvro(Decoder in) throws IOException {
    return new CrashEvent(
        in.readString(),
        in.readString(),
        in.readString(),
        AvroReads.nullableString(in, "ring"),
        in.readString(),
        AvroReads.millis(in),
        AvroReads.millis(in),
        AvroReads.symbol(in, CrashKind.class, "kind"),
        AvroReads.nullableString(in, "bugcheckCode"),
        AvroReads.stringArray(in),
        AvroReads.nullableString(in, "faultingModule"),
        AvroReads.nullableString(in, "faultingModuleVersion"),
        AvroReads.nullableString(in, "bucketId"),
        AvroReads.stringMap(in));
  }
}
