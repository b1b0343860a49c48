package dev.crashwatch.processor.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * The moment every upstream task has reached, from the ticks they send ({@code tick#<partition>}
 * keys, each with the sending task's time). Tasks drain their partitions at their own pace, so one
 * can be far ahead of another in event time (a backlog after a restart, an uneven fetch); a view
 * taken at the fastest task's time would compare fresh figures with stale ones. Downstream of a
 * repartition, a processor's own stream time is the fastest upstream's; this is the slowest's.
 *
 * <p>Upstream tasks are known from their first tick, so right after a start the mark can run ahead
 * of a task that has not ticked yet; kept in memory, it is rebuilt from the ticks after a restart.
 */
public final class SourceWatermark {

  static final char SEPARATOR = '#';
  private static final String PREFIX = DeviceStateProcessor.TICK + SEPARATOR;

  private final Map<Integer, Long> times = new TreeMap<>();

  /** True for any tick key (with or without a partition). */
  public static boolean isTick(String key) {
    return key.startsWith(DeviceStateProcessor.TICK);
  }

  /**
   * Notes a tick; returns the watermark after it, or -1 if {@code key} carries no partition.
   *
   * @param key the tick's key, {@code tick#<partition>}
   * @param time the tick's time
   */
  public long advance(String key, long time) {
    if (!key.startsWith(PREFIX)) {
      return -1;
    }
    times.merge(Integer.parseInt(key.substring(PREFIX.length())), time, Math::max);
    return current();
  }

  /** The least time over the upstream tasks seen so far, -1 before any tick. */
  public long current() {
    return times.values().stream().mapToLong(Long::longValue).min().orElse(-1);
  }
}
