package dev.crashwatch.processor.state;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The moment every upstream task has reached, from the ticks they send ({@link StatsKeyKind#TICK}
 * keys with the sending task's partition, each with that task's time). Tasks drain their partitions
 * at their own pace, so one can be far ahead of another in event time (a backlog after a restart,
 * an uneven fetch); a view taken at the fastest task's time would compare fresh figures with stale
 * ones. Downstream of a repartition, a processor's own stream time is the fastest upstream's; this
 * is the slowest's.
 *
 * <p>Three rules keep it right with several instances and across rebalances:
 *
 * <ul>
 *   <li>It is -1 until every upstream task has ticked at least once, when their number is known
 *       ({@link #UPSTREAM_TASKS_CONFIG}, set by the runner from the input topics' partition count):
 *       a task that has not ticked yet (not started, or just moved to another instance) must not be
 *       overtaken. The marks live in memory, so after a rebalance they are rebuilt from the next
 *       ticks, and this rule keeps the rebuilt mark from running ahead meanwhile.
 *   <li>A task that has had nothing to process for a while sends {@link StatsKeyKind#IDLE_TICK}
 *       ticks at its own stream time instead: it is left out of the minimum until it ticks again,
 *       so a quiet partition on one instance cannot stall the application (the idleness of
 *       watermark sources in stream processors generally). When every task is idle, the mark is the
 *       newest of their times: everything has been read.
 *   <li>It never moves back: a task that resumes behind it is late, as in any watermark.
 * </ul>
 */
public final class SourceWatermark {

  /**
   * Streams config key under which the runner puts an {@link AtomicInteger} holding the number of
   * upstream tasks (the input topics' partition count; Kafka Streams hands it to every processor as
   * {@code appConfigs()}). Without it (TopologyTestDriver) upstream tasks are known from their
   * first tick.
   */
  public static final String UPSTREAM_TASKS_CONFIG = "crashwatch.upstream.tasks";

  private final int upstreamTasks;
  private final Map<Integer, Long> times = new TreeMap<>();
  private final Set<Integer> idle = new HashSet<>();
  private long reached = -1;

  /** A watermark over {@code upstreamTasks} tasks; 0 when unknown (tasks known by their ticks). */
  public SourceWatermark(int upstreamTasks) {
    this.upstreamTasks = upstreamTasks;
  }

  /** A watermark over the upstream tasks the runner has put into the config, if any. */
  public static SourceWatermark of(ProcessorContext<?, ?> context) {
    return new SourceWatermark(
        context.appConfigs().get(UPSTREAM_TASKS_CONFIG) instanceof AtomicInteger count
            ? count.get()
            : 0);
  }

  /** The key of a tick from the task of input {@code partition}. */
  public static StatsKey tick(int partition) {
    return StatsKey.newBuilder().setKind(StatsKeyKind.TICK).setPartition(partition).build();
  }

  /**
   * The key of an idle tick (nothing to process for a while) from the task of {@code partition}.
   */
  public static StatsKey idleTick(int partition) {
    return StatsKey.newBuilder().setKind(StatsKeyKind.IDLE_TICK).setPartition(partition).build();
  }

  public static boolean isTick(StatsKey key) {
    return key.getKind() == StatsKeyKind.TICK || key.getKind() == StatsKeyKind.IDLE_TICK;
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
    if (tick.getKind() == StatsKeyKind.IDLE_TICK) {
      idle.add(tick.getPartition());
    } else {
      idle.remove(tick.getPartition());
    }
    if (times.size() >= upstreamTasks) {
      long slowestActive =
          times.entrySet().stream()
              .filter(t -> !idle.contains(t.getKey()))
              .mapToLong(Map.Entry::getValue)
              .min()
              .orElseGet(() -> times.values().stream().mapToLong(Long::longValue).max().orElse(-1));
      reached = Math.max(reached, slowestActive);
    }
    return reached;
  }

  /** The time every upstream task has reached, -1 before every one of them has ticked. */
  public long current() {
    return reached;
  }
}
