package dev.crashwatch.dashboard;

/**
 * A spike alert that reports no rollback signal (its id is not a signal id): for example an alert
 * on sensors reporting tampering or degradation on a version or in a tenant. Shown on its own,
 * never as a step of a signal's history.
 *
 * @param key the record's subject, {@code component@version}, or empty when the alert is about a
 *     tenant rather than a version
 * @param time stream time of the alert, epoch milliseconds
 */
public record AlertEntry(
    String id, String key, String vendor, String severity, String summary, long time) {}
