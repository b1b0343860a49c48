package dev.crashwatch.dashboard;

import java.util.List;

/**
 * What the page draws for one chosen component version: its health snapshots over time (oldest
 * first; the last one fills the ring table) and the moments of its signals, marked on the chart.
 */
public record VersionDetail(String key, List<HealthSnapshot> series, List<HistoryStep> signals) {}
