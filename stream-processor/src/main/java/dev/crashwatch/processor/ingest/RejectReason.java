package dev.crashwatch.processor.ingest;

/**
 * Why the decoder rejected a record, beyond the serde's own reasons ({@code SerdeError}). The name
 * goes into the dead-letter envelope's {@code reason}; names are stable.
 */
public enum RejectReason {
  /** The record had no value, or no key. */
  EMPTY,
  /** The key is not the device id inside the value, so the record sits in the wrong partition. */
  KEY_MISMATCH,
  /**
   * The event time is before {@link TelemetryDecoder#EARLIEST_PLAUSIBLE} (a reset device clock).
   */
  ABSURD_TIMESTAMP,
  /**
   * The event time is further ahead of the newest time seen on any input partition, or of the wall
   * clock, than the allowed skew.
   */
  FROM_THE_FUTURE
}
