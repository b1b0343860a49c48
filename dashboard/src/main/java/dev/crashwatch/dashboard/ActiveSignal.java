package dev.crashwatch.dashboard;

import java.util.List;

/**
 * A component version whose latest signal is not RESOLVED: that signal with its full evidence, its
 * vendor (from the spike alerts) and the history of its states, oldest first.
 */
public record ActiveSignal(SignalEntry signal, String vendor, List<HistoryStep> history) {}
