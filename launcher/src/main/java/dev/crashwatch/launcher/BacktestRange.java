package dev.crashwatch.launcher;

import java.time.Instant;

/**
 * The records a backtest replays: those whose Kafka record timestamp (the event's own time, a crash
 * report's upload time) is at or after {@code from} and before {@code to}.
 *
 * @param from first instant of the range, inclusive
 * @param to end of the range, exclusive
 */
record BacktestRange(Instant from, Instant to) {

  BacktestRange {
    if (!from.isBefore(to)) {
      throw new dev.crashwatch.config.ConfigException(
          "--from must be before --to, was " + from + " and " + to);
    }
  }

  boolean contains(long timestampMs) {
    return timestampMs >= from.toEpochMilli() && timestampMs < to.toEpochMilli();
  }

  @Override
  public String toString() {
    return "[" + from + ", " + to + ")";
  }
}
