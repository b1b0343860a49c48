package dev.crashwatch.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** One device of the simulated fleet: who it is, what it runs, and whether it is up. */
final class SimulatedDevice {
  final int index;
  final String id;
  final String tenant;
  final String ring;
  final Map<String, String> versions;

  /** False while the device is down after a crash, until it boots again. */
  boolean up = true;

  /** A boot loop: every boot with the faulty version crashes again. */
  boolean looping;

  String bootId;

  SimulatedDevice(int index, String tenant, String ring, Map<String, String> versions) {
    this.index = index;
    this.id = String.format("dev-%07d", index);
    this.tenant = tenant;
    this.ring = ring;
    this.versions = new LinkedHashMap<>(versions);
  }
}
