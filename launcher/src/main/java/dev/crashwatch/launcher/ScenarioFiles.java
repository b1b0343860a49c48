package dev.crashwatch.launcher;

import dev.crashwatch.simulator.scenario.Fleet;
import dev.crashwatch.simulator.scenario.Scenario;

/** Adjustments the command line makes to a loaded scenario. */
final class ScenarioFiles {

  private ScenarioFiles() {}

  /** The scenario with another fleet size, or as it is when {@code devices} is null. */
  static Scenario withDevices(Scenario s, Integer devices) {
    if (devices == null) {
      return s;
    }
    Fleet f = s.fleet();
    Fleet resized =
        new Fleet(
            devices,
            f.tenants(),
            f.rings(),
            f.heartbeatEvery(),
            f.baselineCrashesPerDeviceDay(),
            f.components());
    return new Scenario(
        s.name(),
        s.seed(),
        s.start(),
        s.duration(),
        resized,
        s.rollouts(),
        s.incidents(),
        s.telemetry(),
        s.controller(),
        s.expect());
  }
}
