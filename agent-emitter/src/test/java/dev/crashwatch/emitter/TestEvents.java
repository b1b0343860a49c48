package dev.crashwatch.emitter;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.schema.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Deterministic telemetry for the emitter's integration tests: event {@code n} of a prefix is the
 * same wherever it is built, so a test can rebuild from an id alone what a child process emitted,
 * and compare it field by field with what the broker holds. Boots, crashes and heartbeats take
 * turns, so every run goes through all three topics and all three schemas.
 */
final class TestEvents {

  private static final Instant START = Instant.parse("2024-07-19T03:30:00Z");

  private TestEvents() {}

  /** Topics of their own for one run, so that tests on the shared broker never see each other. */
  static Topics topics(String run) {
    return new Topics(
        "boots-" + run,
        "crashes-" + run,
        "heartbeats-" + run,
        "signals-" + run,
        "alerts-" + run,
        "vendor-health-" + run + ".",
        "dead-" + run,
        "version-health-" + run,
        "catalogue-" + run);
  }

  static String id(String prefix, long n) {
    return prefix + "-" + n;
  }

  /** The {@code n} of {@code id(prefix, n)}. */
  static long number(String prefix, String id) {
    if (!id.startsWith(prefix + "-")) {
      throw new IllegalArgumentException(id + " is not an id of " + prefix);
    }
    return Long.parseLong(id.substring(prefix.length() + 1));
  }

  /** Event {@code n} of {@code prefix}, with the id {@link #id id(prefix, n)}. */
  static SpecificRecord event(String prefix, long n) {
    String id = id(prefix, n);
    String device = "dev-" + (n % 50);
    Instant time = START.plusSeconds(n);
    Map<String, String> components = Map.of("acme.sensor", "7.11." + (n % 7), "linux", "6.8.0");
    return switch ((int) (n % 3)) {
      case 0 ->
          Boot.newBuilder()
              .setEventId(id)
              .setDeviceId(device)
              .setTenantId("t")
              .setRing("canary")
              .setBootId("boot-" + n)
              .setBootTime(time)
              .setOsBuild("6.8.0-45-generic")
              .setPreviousShutdown(n % 2 == 0 ? ShutdownKind.CLEAN : ShutdownKind.CRASH)
              .setComponents(components)
              .build();
      case 1 ->
          Crash.newBuilder()
              .setEventId(id)
              .setDeviceId(device)
              .setTenantId("t")
              .setRing("canary")
              .setBootId("boot-" + (n - 1))
              .setCrashTime(time)
              .setUploadTime(time.plusSeconds(90))
              .setKind(CrashKind.KERNEL_BUGCHECK)
              .setBugcheckCode("0x50")
              .setBugcheckParameters(List.of("0xffffa80f", "0x0"))
              .setFaultingModule("acmesensor.ko")
              .setComponents(components)
              .build();
      default ->
          SensorHeartbeat.newBuilder()
              .setEventId(id)
              .setDeviceId(device)
              .setTenantId("t")
              .setRing("canary")
              .setVendor("acme")
              .setProduct("acme.sensor")
              .setAgentVersion("7.11." + (n % 7))
              .setMode(SensorMode.KERNEL)
              .setHealth(SensorHealth.OK)
              .setTime(time)
              .setComponents(components)
              .build();
    };
  }

  /** Sends event {@code n} of {@code prefix} to {@code sink} and records it under its id. */
  static void emit(EventSink sink, String prefix, long n, Map<String, SpecificRecord> emitted) {
    SpecificRecord event = event(prefix, n);
    send(sink, event);
    emitted.put(eventId(event), event);
  }

  /** Hands {@code event} to the sink method of its type, as the emitter's callers do. */
  static void send(EventSink sink, SpecificRecord event) {
    if (event instanceof Boot b) {
      sink.send(b);
    } else if (event instanceof Crash c) {
      sink.send(c);
    } else if (event instanceof SensorHeartbeat h) {
      sink.send(h);
    } else {
      throw new IllegalArgumentException("not a telemetry event: " + event.getClass());
    }
  }

  static String eventId(SpecificRecord event) {
    if (event instanceof Boot b) {
      return b.getEventId();
    }
    if (event instanceof Crash c) {
      return c.getEventId();
    }
    if (event instanceof SensorHeartbeat h) {
      return h.getEventId();
    }
    throw new IllegalArgumentException("not a telemetry event: " + event.getClass());
  }

  /** The topic an event of this type belongs on. */
  static String topicOf(Topics topics, SpecificRecord event) {
    if (event instanceof Boot) {
      return topics.boots();
    }
    if (event instanceof Crash) {
      return topics.crashes();
    }
    if (event instanceof SensorHeartbeat) {
      return topics.heartbeats();
    }
    throw new IllegalArgumentException("not a telemetry event: " + event.getClass());
  }
}
