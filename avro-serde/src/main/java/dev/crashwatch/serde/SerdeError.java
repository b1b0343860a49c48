package dev.crashwatch.serde;

/**
 * Why a record could not be serialized or deserialized. Stable names: the stream processor puts
 * them into dead-letter records as the reason, so renaming a constant is a breaking change.
 */
public enum SerdeError {
  /** The payload does not start with the Confluent wire-format magic byte 0. */
  BAD_MAGIC_BYTE,
  /** The payload names a schema id the registry does not know. */
  UNKNOWN_SCHEMA_ID,
  /**
   * The registry could not be reached, or kept answering 5xx/429, after all retries. Transient:
   * retry later rather than dead-letter the record.
   */
  REGISTRY_UNREACHABLE,
  /** The payload is shorter than the 5-byte header, or the Avro body ends early. */
  TRUNCATED,
  /**
   * A record does not match its schema (serializing), the bytes do not decode with their writer
   * schema, or the writer schema cannot be resolved against the reader schema (deserializing).
   */
  SCHEMA_MISMATCH,
  /** The registry refused to register a schema because it breaks the subject's compatibility. */
  INCOMPATIBLE_SCHEMA,
  /** {@code auto.register.schemas=false} and the schema is not registered under the subject. */
  SCHEMA_NOT_REGISTERED,
  /** Any other refusal by the registry (422 invalid schema, unexpected 4xx). */
  REGISTRY_ERROR,
  /**
   * The registry refused the client's credentials (401) or access (403): a fault of the client's
   * configuration, never of a record, and not fixed by retrying until someone fixes it.
   */
  REGISTRY_UNAUTHORIZED
}
