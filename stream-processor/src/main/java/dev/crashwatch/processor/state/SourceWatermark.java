package dev.crashwatch.processor.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * The moment every upstream task has reached, from the ticks they send ({@link StatsKeyKind#TICK}
 * keys with the sending task's partition, each with that task's time). Tasks drain their partitions
 * at their own pace, so one can be far ahead of another in event time (a backlog after a restart,
 * an uneven fetch); a view taken at the fastest task's time would compare fresh figures with stale
 * ones. Downstream of a repartition, a processor's own stream time is the fastest upstream's; this
 * is the slowest's.
 *
 * <p>Upstream tasks are known from their first tick, so right after a start the mark can run ahead
 * of a task that has not ticked yet; kept in memory, it is rebuilt from the ticks after a restart.
 */
public final class SourceWatermark {

  private final Map<Integer, Long> times = new TreeMap<>();

  /** The key of a tick from the task of input {@code partition}. */
  public static StatsKey tick(int partition) {
    return StatsKey.newBuilder().setKind(StatsKeyKind.TICK).setPartition(partition).build();
  }

  public static boolean isTick(StatsKey key) {
    return key.getKind() == StatsKeyKind.TICK;
  }

  /**
   * Notes a tick; returns the watermark after it.
   *
   * @param tick the tick's key
   * @param time the tick's time
   */
  public long advance(StatsKey tick, long time) {
    if (!isTick(tick)) {
      throw new IllegalArgumentException("not a tick: " + tick);
    }
    times.merge(tick.getPartition(), time, Math::max);
    return current();
  }

  /** The least time over the upstream tasks seen so far, -1 before any tick. */
  public long current() {
    return times.values().stream().mapToLong(Long::longValue).min().orElse(-1);
  }
}
