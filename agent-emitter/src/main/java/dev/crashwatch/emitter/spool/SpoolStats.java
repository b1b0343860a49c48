package dev.crashwatch.emitter.spool;

/**
 * The spool's counters. Counts are since this {@link Spool} was opened; sizes are current.
 *
 * @param appended records accepted by {@link Spool#append}
 * @param acknowledged records acknowledged
 * @param dropped records refused when full ({@link FullPolicy#DROP_NEWEST}) or deleted unread to
 *     make room ({@link FullPolicy#DROP_OLDEST})
 * @param lost records found corrupt (at open or on read) and skipped; a lower bound when the
 *     corruption destroyed the framing
 * @param pending records appended and not yet acknowledged
 * @param bytesOnDisk the size of all segment files
 * @param segments the number of segment files
 */
public record SpoolStats(
    long appended,
    long acknowledged,
    long dropped,
    long lost,
    long pending,
    long bytesOnDisk,
    int segments) {}
