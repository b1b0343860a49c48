package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A span of time drawn uniformly from {@code [low, high]}: written {@code PT1M..PT5M} in a
 * scenario, or as a single duration {@code PT2M} that means exactly that.
 */
public record DurationRange(Duration low, Duration high) {

  public static final DurationRange ZERO = exactly(Duration.ZERO);

  private static final String SEPARATOR = "..";

  public DurationRange {
    Objects.requireNonNull(low, "low");
    Objects.requireNonNull(high, "high");
    if (low.isNegative() || high.isNegative()) {
      throw new IllegalArgumentException("must not be negative, was " + format(low, high));
    }
    if (low.compareTo(high) > 0) {
      throw new IllegalArgumentException(
          "low end " + low + " is above high end " + high + ", was " + format(low, high));
    }
  }

  public static DurationRange exactly(Duration duration) {
    return new DurationRange(duration, duration);
  }

  /**
   * Parses {@code PT1M..PT5M} or {@code PT2M}.
   *
   * @throws IllegalArgumentException with a reason fit for an error message
   */
  public static DurationRange parse(String text) {
    Objects.requireNonNull(text, "text");
    int sep = text.indexOf(SEPARATOR);
    if (sep < 0) {
      return exactly(parseDuration(text, text));
    }
    Duration low = parseDuration(text.substring(0, sep), text);
    Duration high = parseDuration(text.substring(sep + SEPARATOR.length()), text);
    return new DurationRange(low, high);
  }

  private static Duration parseDuration(String part, String whole) {
    try {
      return Duration.parse(part);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "must be an ISO-8601 duration such as PT2M or a range such as PT1M..PT5M, was \""
              + whole
              + "\"");
    }
  }

  public boolean isExact() {
    return low.equals(high);
  }

  /** A uniform draw from {@code [low, high]}, both ends included, to the nanosecond. */
  public Duration sample(RandomGenerator random) {
    if (isExact()) {
      return low;
    }
    Duration span = high.minus(low);
    long nanos;
    try {
      nanos = span.toNanos();
    } catch (ArithmeticException tooLongForNanos) {
      // Spans beyond ~292 years: seconds are precise enough.
      return low.plusSeconds(random.nextLong(span.getSeconds() + 1));
    }
    // nanos + 1 overflows only at exactly Long.MAX_VALUE; one nanosecond less is no loss there.
    return low.plusNanos(random.nextLong(nanos == Long.MAX_VALUE ? nanos : nanos + 1));
  }

  /** The scenario notation, so that a range prints the way it was written. */
  @Override
  public String toString() {
    return format(low, high);
  }

  private static String format(Duration low, Duration high) {
    return low.equals(high) ? low.toString() : low + SEPARATOR + high;
  }
}
