package dev.crashwatch.processor.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a telemetry record: the Kafka record timestamp, which emitters set to the event's
 * own time (boot or heartbeat time, a crash report's upload time).
 *
 * <p>A device with a clock far in the future must not drag stream time with it, or every honest
 * record after it would be dropped as late. A timestamp is held back to the time already reached
 * when it is more than the allowed clock skew ahead of the wall clock (live traffic), or more than
 * the allowed jump ahead of the newest time seen on any input partition (replays, where the wall
 * clock is years ahead). The decoder then sees an event time far ahead of its record's timestamp
 * and dead-letters it as {@code FROM_THE_FUTURE}.
 *
 * <p>The jump is measured against all partitions, not the record's own, because a quiet partition
 * (crashes before a rollout) legitimately jumps ahead by hours; and it is generous (an hour by
 * default) because a small fleet can be quiet for minutes. One instance serves all input topics and
 * tasks of an application instance, so its high-water mark is the newest event time this instance
 * has read.
 */
public final class TelemetryTimestampExtractor implements TimestampExtractor {

  private final long maxSkewMs;
  private final long maxJumpMs;
  private final Clock wallClock;
  private final AtomicLong highWater = new AtomicLong(-1);

  public TelemetryTimestampExtractor(Duration maxSkew, Duration maxJump, Clock wallClock) {
    this.maxSkewMs = maxSkew.toMillis();
    this.maxJumpMs = maxJump.toMillis();
    this.wallClock = wallClock;
  }

  /** The newest event time this instance has read on any input partition, -1 before any. */
  public long highWater() {
    return highWater.get();
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long timestamp = record.timestamp();
    long seen = highWater.get();
    if (timestamp < 0
        || timestamp > wallClock.millis() + maxSkewMs
        || (seen >= 0 && timestamp > seen + maxJumpMs)) {
      // No usable timestamp: keep the time already reached; the decoder judges the payload.
      return Math.max(0, Math.max(partitionTime, seen));
    }
    highWater.accumulateAndGet(timestamp, Math::max);
    return timestamp;
  }
}
