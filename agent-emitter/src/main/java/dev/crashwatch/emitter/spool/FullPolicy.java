package dev.crashwatch.emitter.spool;

/** What {@link Spool#append} does when the record would take the spool beyond its bound. */
public enum FullPolicy {
  /**
   * Refuse the new record with a {@link SpoolFullException} (counted as dropped). The default: the
   * first crash reports of an incident are the evidence, so they must not be pushed out by later
   * ones.
   */
  DROP_NEWEST,
  /**
   * Delete the oldest segment, acknowledged or not, until the new record fits; its unacknowledged
   * records are counted as dropped. For telemetry where only the recent state matters.
   */
  DROP_OLDEST
}
