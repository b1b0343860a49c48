package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.DeadLetter;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the decoder makes of one input record: either a valid event ({@code Boot}, {@code Crash} or
 * {@code SensorHeartbeat}) or the dead-letter envelope saying why not. Exactly one is non-null.
 */
public record Decoded(SpecificRecord event, DeadLetter deadLetter) {

  public static Decoded event(SpecificRecord event) {
    return new Decoded(event, null);
  }

  public static Decoded deadLetter(DeadLetter deadLetter) {
    return new Decoded(null, deadLetter);
  }

  public boolean isDeadLetter() {
    return deadLetter != null;
  }
}
