package dev.crashwatch.dashboard;

import java.util.List;

/**
 * What the page draws for one chosen component version: its crash rate against its baseline over
 * time (oldest first), its latest health snapshot (the ring table; null before the first), and the
 * moments of its signals, marked on the chart.
 */
public record VersionDetail(
    String key, List<HealthPoint> series, HealthSnapshot latest, List<HistoryStep> signals) {}
