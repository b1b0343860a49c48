package dev.crashwatch.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A serialization failure with a machine-readable {@link SerdeError}. Extends Kafka's {@link
 * SerializationException} so producers, consumers and Kafka Streams' deserialization handlers see
 * it as the usual type; {@link #error()} tells them which kind it is.
 */
public class SerdeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final SerdeError error;

  public SerdeException(SerdeError error, String message) {
    this(error, message, null);
  }

  public SerdeException(SerdeError error, String message, Throwable cause) {
    super(error + ": " + message, cause);
    this.error = Objects.requireNonNull(error, "error");
  }

  public SerdeError error() {
    return error;
  }
}
