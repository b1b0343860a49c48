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
  FROM_THE_FUTURE,
  /**
   * An identifier, version, module or bugcheck code is empty, too long, or has characters outside
   * its set ({@link DeviceInput}).
   */
  INVALID_FIELD,
  /**
   * The record, or the device with it, has more components than {@code
   * ingest.max.components.per.device}.
   */
  TOO_MANY_COMPONENTS,
  /**
   * The record brings a new version of a component that already has {@code
   * ingest.max.versions.per.component} versions in use.
   */
  TOO_MANY_VERSIONS,
  /** The record brings a new component when the fleet already has {@code ingest.max.components}. */
  TOO_MANY_FLEET_COMPONENTS,
  /** The record brings a new tenant when the fleet already has {@code ingest.max.tenants}. */
  TOO_MANY_TENANTS
}
