package dev.crashwatch.simulator.scenario;

import java.time.Duration;

/**
 * An event that must not be blamed on a version under rollout; the {@code kind} field of the file
 * picks the type.
 */
public sealed interface Incident permits PowerOutage, CrashWave, NetworkOutage, SensorTampering {

  /** The {@code kind} as written in scenario files. */
  String kind();

  /** Offset from the scenario's start. */
  Duration at();
}
