package dev.crashwatch.simulator.report;

import dev.crashwatch.simulator.SignalMoment;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a scenario run reports (FORMAT.md, "Report"): every signal, each expectation with pass or
 * fail and its figure, the time from each must-version's first faulty crash to its first signal at
 * the expected action or stronger, devices crashed per ring and in total (and, in {@code moments},
 * by the time each version was first signalled HALT or stronger and each controller decision),
 * events and wall time. Written as JSON; the run exits 0 when {@link #passed()} and 1 otherwise.
 */
public record ScenarioReport(
    String scenario,
    boolean passed,
    List<ObservedSignal> signals,
    List<ExpectationResult> expectations,
    Map<String, Duration> timeToDetect,
    Map<String, Long> devicesCrashedPerRing,
    List<SignalMoment> moments,
    long devicesCrashedByFaultyRollouts,
    long devicesCrashedTotal,
    long events,
    double wallSeconds) {}
