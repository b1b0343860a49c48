package dev.crashwatch.dashboard;

import java.util.List;
import java.util.Map;

/**
 * Everything the page shows at load, in one answer: the active signals with their evidence and
 * history, the signal log, the alerts that report no signal, the versions it can chart, the
 * dead-letter counts by reason, the records it could not decode, and which output topics it has
 * found.
 */
public record Overview(
    List<ActiveSignal> active,
    List<SignalEntry> log,
    List<AlertEntry> alerts,
    List<VersionOption> versions,
    Map<String, Long> deadLetters,
    Map<String, Long> unreadable,
    List<String> topicsFound) {}
