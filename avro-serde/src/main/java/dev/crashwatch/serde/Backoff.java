package dev.crashwatch.serde;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": retry {@code n} waits between half and all of {@code
 * min(max, initial * 2^n)}. The lower half keeps the backoff growing; the random upper half keeps
 * many clients that failed together (a registry restart) from retrying in lockstep.
 */
public record Backoff(long initialMs, long maxMs) {

  public Backoff {
    if (initialMs < 0 || maxMs < 0) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
  }

  /** Delay before retry {@code retry} (0 = first retry). */
  public long delayMs(int retry) {
    return delayMs(retry, ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Delay before retry {@code retry} for a given random draw in [0, 1); deterministic for tests.
   */
  public long delayMs(int retry, double random) {
    long cap = ceiling(retry);
    long half = cap / 2;
    return half + (long) (random * (cap - half));
  }

  /** {@code min(max, initial * 2^retry)} without overflow. */
  long ceiling(int retry) {
    if (initialMs == 0) {
      return 0;
    }
    int shift = Math.min(retry, 62);
    long limit = maxMs >> shift; // initial * 2^shift > max  <=>  initial > max / 2^shift
    return initialMs > limit ? maxMs : Math.min(maxMs, initialMs << shift);
  }
}
