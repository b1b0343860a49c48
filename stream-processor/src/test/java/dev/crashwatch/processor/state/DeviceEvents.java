package dev.crashwatch.processor.state;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.events.ShutdownKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Events of one device at an arrival time, for the device-state tests that drive the processor. */
final class DeviceEvents {

  private DeviceEvents() {}

  static Boot boot(
      String device, String ring, long time, ShutdownKind previous, Map<String, String> versions) {
    return Boot.newBuilder()
        .setEventId(device + "-boot-" + time)
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setRing(ring)
        .setBootId(device + "-" + time)
        .setBootTime(Instant.ofEpochMilli(time))
        .setOsBuild("10.0.19045")
        .setPreviousShutdown(previous)
        .setComponents(versions)
        .build();
  }

  static SensorHeartbeat heartbeat(
      String device, String ring, long time, SensorHealth health, Map<String, String> versions) {
    return SensorHeartbeat.newBuilder()
        .setEventId(device + "-beat-" + time)
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setRing(ring)
        .setVendor("acme")
        .setProduct("acme.sensor")
        .setAgentVersion(versions.get("acme.sensor"))
        .setContentVersion(versions.get("acme.sensor-content"))
        .setMode(SensorMode.KERNEL)
        .setHealth(health)
        .setTime(Instant.ofEpochMilli(time))
        .setComponents(versions)
        .build();
  }

  static Crash crash(String device, long time, Map<String, String> versions) {
    return Crash.newBuilder()
        .setEventId(device + "-crash-" + time)
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setBootId(device + "-" + time)
        .setCrashTime(Instant.ofEpochMilli(time))
        .setUploadTime(Instant.ofEpochMilli(time))
        .setKind(CrashKind.KERNEL_BUGCHECK)
        .setBugcheckCode("0x50")
        .setBugcheckParameters(List.of())
        .setFaultingModule("acmesensor.sys")
        .setComponents(versions)
        .build();
  }
}
