package dev.crashwatch.processor;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.events.ShutdownKind;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders for test events, with times given as minutes after {@link #START}. */
final class TestEvents {

  static final Instant START = Instant.parse("2024-07-19T03:30:00Z");

  private TestEvents() {}

  /** {@code START + minutes}: explicit event times, as the tests' own clock. */
  static Instant t(double minutes) {
    return START.plus(Duration.ofMillis(Math.round(minutes * 60_000)));
  }

  /** {@code component, version, component, version, ...} as a map. */
  static Map<String, String> versions(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  static Boot boot(String device, String ring, Instant time, Map<String, String> components) {
    return boot(device, ring, time, ShutdownKind.CLEAN, components);
  }

  static Boot boot(
      String device,
      String ring,
      Instant time,
      ShutdownKind previous,
      Map<String, String> components) {
    return Boot.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setRing(ring)
        .setBootId(UUID.randomUUID().toString())
        .setBootTime(time)
        .setOsBuild(components.getOrDefault("windows", "unknown"))
        .setPreviousShutdown(previous)
        .setComponents(components)
        .build();
  }

  static SensorHeartbeat heartbeat(
      String device, String ring, Instant time, Map<String, String> components) {
    return SensorHeartbeat.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setRing(ring)
        .setVendor("acme")
        .setProduct("acme.sensor")
        .setAgentVersion(components.getOrDefault("acme.sensor", "unknown"))
        .setContentVersion(components.get("acme.sensor-content"))
        .setMode(SensorMode.KERNEL)
        .setHealth(SensorHealth.OK)
        .setTime(time)
        .setComponents(components)
        .build();
  }

  static Crash crash(
      String device,
      Instant time,
      CrashKind kind,
      String bugcheck,
      String module,
      Map<String, String> components) {
    return Crash.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId(device)
        .setTenantId("tenant-1")
        .setBootId(UUID.randomUUID().toString())
        .setCrashTime(time)
        .setUploadTime(time.plusSeconds(60))
        .setKind(kind)
        .setBugcheckCode(bugcheck)
        .setBugcheckParameters(List.of())
        .setFaultingModule(module)
        .setComponents(components)
        .build();
  }
}
