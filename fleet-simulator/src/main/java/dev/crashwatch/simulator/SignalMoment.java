package dev.crashwatch.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * A moment a lock-step run reports: the first HALT (or stronger) signal it saw for a version, or a
 * decision its rollout controller carried out, with the devices faulty rollouts had crashed by
 * then.
 *
 * @param target component@version
 * @param action HALT or ROLLBACK (the signal's, or the controller's decision)
 * @param simulatedTime the step at which the simulator, waiting on the pipeline, saw it
 * @param crashedDevicesByRing distinct devices crashed by faulty rollouts by then, per ring
 * @param byController true for a decision the controller carried out, false for a signal seen
 */
public record SignalMoment(
    String target,
    String action,
    Instant simulatedTime,
    Map<String, Long> crashedDevicesByRing,
    boolean byController) {}
