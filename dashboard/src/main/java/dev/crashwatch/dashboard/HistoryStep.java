package dev.crashwatch.dashboard;

/**
 * One step of a signal's history (WATCH, HALT, ROLLBACK, RESOLVED), from the rollback-signals topic
 * or, once compaction has dropped the older states there, from the spike alert that reported it
 * (same id, kept by retention instead of compaction).
 *
 * @param id the signal id (equal to the spike alert's id)
 * @param time the stream time of the decision, epoch milliseconds
 * @param text the signal's reason, or the alert's summary
 * @param rate the version's crash rate at the decision
 */
public record HistoryStep(String id, String action, long time, String text, double rate) {}
