package dev.crashwatch.dashboard;

/**
 * A component version the page can chart: its key, its current signal state (null when none) and
 * the time of its latest health snapshot.
 */
public record VersionOption(String key, String state, long lastSnapshot) {}
