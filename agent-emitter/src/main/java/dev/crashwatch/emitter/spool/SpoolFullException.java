package dev.crashwatch.emitter.spool;

import java.io.IOException;

/**
 * The spool is at its bound and the policy refused the record. An {@link IOException}, like a full
 * disk, so callers handle both the same way: the record was not accepted.
 */
public final class SpoolFullException extends IOException {

  private final long droppedSoFar;

  SpoolFullException(String message, long droppedSoFar) {
    super(message);
    this.droppedSoFar = droppedSoFar;
  }

  /** Records dropped by this spool since it was opened, this one included. */
  public long droppedSoFar() {
    return droppedSoFar;
  }
}
