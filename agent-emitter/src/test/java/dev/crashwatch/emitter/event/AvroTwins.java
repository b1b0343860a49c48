package dev.crashwatch.emitter.event;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import org.apache.avro.specific.SpecificRecord;

/** The generated Avro record with the same fields as an endpoint event, for comparing bytes. */
public final class AvroTwins {
  private AvroTwins() {}

  public static SpecificRecord of(EndpointEvent e) {
    if (e instanceof BootEvent b) {
      return of(b);
    }
    if (e instanceof CrashEvent c) {
      return of(c);
    }
    return of((HeartbeatEvent) e);
  }

  public static Boot of(BootEvent e) {
    return Boot.newBuilder()
        .setEventId(e.eventId())
        .setDeviceId(e.deviceId())
        .setTenantId(e.tenantId())
        .setRing(e.ring())
        .setBootId(e.bootId())
        .setBootTime(e.bootTime())
        .setOsBuild(e.osBuild())
        .setPreviousShutdown(
            dev.crashwatch.events.ShutdownKind.valueOf(e.previousShutdown().name()))
        .setComponents(e.components())
        .build();
  }

  public static Crash of(CrashEvent e) {
    return Crash.newBuilder()
        .setEventId(e.eventId())
        .setDeviceId(e.deviceId())
        .setTenantId(e.tenantId())
        .setRing(e.ring())
        .setBootId(e.bootId())
        .setCrashTime(e.crashTime())
        .setUploadTime(e.uploadTime())
        .setKind(dev.crashwatch.events.CrashKind.valueOf(e.kind().name()))
        .setBugcheckCode(e.bugcheckCode())
        .setBugcheckParameters(e.bugcheckParameters())
        .setFaultingModule(e.faultingModule())
        .setFaultingModuleVersion(e.faultingModuleVersion())
        .setBucketId(e.bucketId())
        .setComponents(e.components())
        .build();
  }

  public static SensorHeartbeat of(HeartbeatEvent e) {
    return SensorHeartbeat.newBuilder()
        .setEventId(e.eventId())
        .setDeviceId(e.deviceId())
        .setTenantId(e.tenantId())
        .setRing(e.ring())
        .setVendor(e.vendor())
        .setProduct(e.product())
        .setAgentVersion(e.agentVersion())
        .setContentVersion(e.contentVersion())
        .setMode(dev.crashwatch.events.SensorMode.valueOf(e.mode().name()))
        .setHealth(dev.crashwatch.events.SensorHealth.valueOf(e.health().name()))
        .setTime(e.time())
        .setComponents(e.components())
        .build();
  }
}
