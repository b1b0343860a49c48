package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.DeadLetter;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the decoder makes of one input record: either a valid event ({@code Boot}, {@code Crash} or
 * {@code SensorHeartbeat}) with the bytes it came from, which a later check (the admission bounds)
 * still needs for a dead letter, or the dead-letter envelope saying why not. Exactly one of {@code
 * event} and {@code deadLetter} is non-null.
 */
public record Decoded(SpecificRecord event, Raw raw, DeadLetter deadLetter) {

  /** The input record as it arrived: key, value and Kafka timestamp. */
  public record Raw(byte[] key, byte[] value, long timestamp) {}

  public static Decoded event(SpecificRecord event, Raw raw) {
    return new Decoded(event, raw, null);
  }

  public static Decoded deadLetter(DeadLetter deadLetter) {
    return new Decoded(null, null, deadLetter);
  }

  public boolean isDeadLetter() {
    return deadLetter != null;
  }
}
