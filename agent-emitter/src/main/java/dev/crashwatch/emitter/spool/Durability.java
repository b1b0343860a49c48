package dev.crashwatch.emitter.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * When appended records are forced to disk ({@code FileChannel.force}).
 *
 * <p>The trade-off: {@link #everyAppend()} makes every record that {@link Spool#append} accepted
 * survive a power loss or {@code kill -9}, at the price of one fsync per record (a few hundred to a
 * few thousand appends per second on ordinary disks). {@link #every(int, Duration)} batches the
 * fsync: many times the throughput, but a crash can lose up to that many records, or that much time
 * of records, that were already reported as accepted. A {@code kill -9} alone loses nothing either
 * way (the data is in the page cache); only an OS crash or power loss does.
 *
 * <p>The spool has no timer thread: the delay bound is checked on each append, so after the last
 * append of a burst call {@link Spool#flush()} (or close the spool) to bound the delay when idle.
 *
 * @param maxRecords force after this many unforced records (1 = every append)
 * @param maxDelay force when the oldest unforced record is this old (checked on append; zero forces
 *     every append whatever {@code maxRecords} says)
 */
public record Durability(int maxRecords, Duration maxDelay) {

  public Durability {
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxRecords < 1 || maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxRecords must be >= 1 and maxDelay >= 0");
    }
  }

  /** Force on every append: nothing accepted is ever lost. The default. */
  public static Durability everyAppend() {
    return new Durability(1, Duration.ZERO);
  }

  /**
   * Force after {@code records} appends or once the oldest unforced append is {@code delay} old.
   */
  public static Durability every(int records, Duration delay) {
    return new Durability(records, delay);
  }

  boolean isEveryAppend() {
    return maxRecords == 1;
  }
}
