package dev.crashwatch.launcher;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a bound, for the command-line jobs. */
final class Progress {

  private static final long POLL_MS = 20;

  private Progress() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for: " + what);
      }
      Thread.sleep(POLL_MS);
    }
  }
}
