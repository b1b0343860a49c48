package dev.crashwatch.simulator.report;

import java.util.List;
import java.util.Map;

/**
 * What a scenario run reports (FORMAT.md, "Report"): every signal, each expectation with pass or
 * fail and its figure, devices crashed per ring and in total, events and wall time. Written as
 * JSON; the run exits 0 when {@link #passed()} and 1 otherwise.
 */
public record ScenarioReport(
    String scenario,
    boolean passed,
    List<ObservedSignal> signals,
    List<ExpectationResult> expectations,
    Map<String, Long> devicesCrashedPerRing,
    long devicesCrashedByFaultyRollouts,
    long devicesCrashedTotal,
    long events,
    double wallSeconds) {}
