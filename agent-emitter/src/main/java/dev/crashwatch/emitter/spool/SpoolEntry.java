package dev.crashwatch.emitter.spool;

/**
 * A record read back from the spool.
 *
 * @param position where its frame starts
 * @param next where the following frame starts: pass this to {@link Spool#acknowledge} once the
 *     record (and every one before it) was delivered
 * @param record the record
 */
public record SpoolEntry(SpoolPosition position, SpoolPosition next, SpooledRecord record) {}
