package dev.crashwatch.simulator;

import dev.crashwatch.events.SensorHealth;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** One device of the simulated fleet: who it is, what it runs, its clock, and whether it is up. */
final class SimulatedDevice {
  final int index;
  final String id;
  final int tenant;
  final String ring;
  final Map<String, String> versions;

  /** The version each rollout replaced, by component: what a rollback puts back. */
  final Map<String, String> previous = new HashMap<>();

  /** How far this device's clock is off, fixed per device (telemetry.clockSkew). */
  final long clockSkewMs;

  /**
   * False until the device first boots (boots are spread over the first heartbeat interval) and
   * while it is down (crashed or without power), until it boots again.
   */
  boolean up;

  /** A boot loop: every boot with the faulty version crashes again. */
  boolean looping;

  /**
   * Bumped whenever the device goes down (or is rolled back while up), so timers of an earlier life
   * are ignored.
   */
  int life;

  String bootId;

  /** What the sensor reports in heartbeats from {@link #sensorHealthFrom} on (sensorTampering). */
  SensorHealth sensorHealth = SensorHealth.OK;

  long sensorHealthFrom = Long.MAX_VALUE;

  SimulatedDevice(
      int index, int tenant, String ring, Map<String, String> versions, long clockSkewMs) {
    this.index = index;
    this.id = String.format("dev-%07d", index);
    this.tenant = tenant;
    this.ring = ring;
    this.versions = new LinkedHashMap<>(versions);
    this.clockSkewMs = clockSkewMs;
  }

  String tenantId() {
    return "tenant-" + tenant;
  }
}
