package dev.crashwatch.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Figures of one simulator run, counted by the simulator itself so that they can be compared with
 * what the pipeline reports.
 *
 * @param events records sent, including duplicates and garbage
 * @param crashes crashes that happened (uploaded or not)
 * @param crashReports crash reports sent (after upload loss, before duplication)
 * @param duplicates events sent a second time
 * @param malformed garbage records sent instead of an event
 * @param crashedDevicesByRing distinct devices crashed by a faulty rollout, per ring
 * @param crashedDevices distinct devices crashed for any reason
 * @param firstFaultyCrash simulated time of the first crash caused by each faulty rollout, keyed
 *     component@version
 * @param moments in a lock-step run, the first HALT or stronger signal seen for each version and
 *     each decision of the rollout controller, with the devices crashed by then
 * @param wallTime how long the run took
 */
public record SimulationResult(
    long events,
    long crashes,
    long crashReports,
    long duplicates,
    long malformed,
    Map<String, Long> crashedDevicesByRing,
    long crashedDevices,
    Map<String, Instant> firstFaultyCrash,
    List<SignalMoment> moments,
    Duration wallTime) {}
