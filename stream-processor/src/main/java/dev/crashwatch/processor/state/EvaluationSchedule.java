package dev.crashwatch.processor.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When the detector evaluates: at every boundary of its interval (multiples of the interval in
 * event time) that the {@link SourceWatermark} of its upstream tasks crosses, each boundary once
 * and in order, each over the window that ends just before its boundary ({@link #windowEnd}). The
 * watermark itself moves by whatever its upstream ticks carry, and which task's tick arrives first,
 * or how far one tick moves it (a restarted task catching up), depends on timing; the boundaries do
 * not, so the same input gives the same evaluations, and the signal state machine's streaks count
 * the same evaluations, on one instance or several, with or without restarts.
 *
 * <p>The last boundary evaluated is kept in {@link #STORE} (changelogged, and written in the same
 * exactly-once transaction as the evaluation's outputs): a restarted detector, whose in-memory
 * watermark is rebuilt from the next ticks, neither evaluates a boundary again nor skips one. A
 * watermark that jumps more than a window at once (input that resumes after a long quiet spell)
 * evaluates the boundaries of the last window only: the figures are the same at every one of them,
 * and older ones could not see anything the last window does not.
 */
public final class EvaluationSchedule {

  /** The detector's schedule: the last boundary evaluated. */
  public static final String STORE = "detector-schedule";

  private static final String EVALUATED = "evaluated-until";

  private final long intervalMs;
  private final long windowMs;
  private KeyValueStore<String, Long> store;

  /**
   * @param interval time between evaluations
   * @param window the detection window: how far back a jump of the watermark is caught up
   */
  public EvaluationSchedule(Duration interval, Duration window) {
    this.intervalMs = Math.max(1, interval.toMillis());
    this.windowMs = window.toMillis();
  }

  /** Reads and keeps the schedule in {@code store} (a task's re-initialisation passes it again). */
  public void init(KeyValueStore<String, Long> store) {
    this.store = store;
  }

  /**
   * The time of the evaluation at {@code boundary}: the last millisecond before it. The figures'
   * per-minute buckets up to it are complete once every upstream task has ticked the boundary (a
   * task sends every delta of an earlier minute before that tick: a record is counted in the minute
   * of its time or its task's stream time, whichever is later), while the boundary's own minute is
   * still arriving when the evaluation runs, in a share that depends on timing.
   */
  public static long windowEnd(long boundary) {
    return boundary - 1;
  }

  /** The boundary at or before {@code time}. */
  public long boundary(long time) {
    return Math.floorDiv(time, intervalMs) * intervalMs;
  }

  /**
   * The boundaries to evaluate now that the watermark is at {@code watermark} (-1: not known yet),
   * oldest first, recorded as evaluated.
   */
  public List<Long> due(long watermark) {
    if (watermark < 0) {
      return List.of();
    }
    long reached = boundary(watermark);
    Long last = store.get(EVALUATED);
    long first =
        last == null
            ? reached
            : Math.max(last + intervalMs, reached - boundary(Math.max(0, windowMs)));
    List<Long> due = new ArrayList<>();
    for (long at = first; at <= reached; at += intervalMs) {
      due.add(at);
    }
    if (!due.isEmpty()) {
      store.put(EVALUATED, reached);
    }
    return due;
  }
}
