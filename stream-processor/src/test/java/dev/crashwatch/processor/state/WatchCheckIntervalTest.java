package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.ShutdownKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/**
 * The watch list is checked twelve times a tick, not once: at the whole July 19 fleet one check a
 * tick met some 80,000 away deadlines of a task in one punctuation, seconds long, and fenced the
 * stream threads. A deadline is met at the first check after it, within a twelfth of a tick, and
 * the watermark still ticks once a tick.
 */
class WatchCheckIntervalTest {

  private static final long MINUTE = 60_000;
  private static final long START = Instant.parse("2024-07-19T03:00:00Z").toEpochMilli();

  @Test
  void anAwayDeadlineIsMetAtTheFirstCheckAfterItWithinTheMinute() {
    DeviceStateTask task = DeviceStateTask.withSilenceAfter(Duration.ofMinutes(20));
    CapturedPunctuator checks = task.punctuator(PunctuationType.STREAM_TIME);
    assertThat(checks.getInterval()).isEqualTo(Duration.ofSeconds(5));
    // a device whose away deadline falls well inside a minute (the offset comes from its id)
    String device = deviceWithDeadlineInsideAMinute();
    task.process(
        new Record<>(
            device,
            DeviceEvents.boot(
                device, "broad", START, ShutdownKind.CLEAN, Map.of("acme.sensor", "7.11")),
            START));
    task.commit();
    task.forwarded();
    long deadline = awayDeadline(task, device);
    long lastCheckBefore = Math.floorDiv(deadline - 1, 5_000) * 5_000;
    long firstCheckAfter = lastCheckBefore + 5_000;

    punctuate(task, checks, lastCheckBefore);
    task.commit();
    assertThat(awayDeltas(task.forwarded())).as("before its deadline").isEmpty();

    punctuate(task, checks, firstCheckAfter);
    task.commit();
    assertThat(awayDeltas(task.forwarded()))
        .as(
            "at the first check after its deadline, %d ms into its minute",
            firstCheckAfter % MINUTE)
        .isNotEmpty();
    assertThat(firstCheckAfter % MINUTE).as("a check between two ticks").isNotZero();
  }

  private static String deviceWithDeadlineInsideAMinute() {
    for (int i = 0; ; i++) {
      String device = "device-" + i;
      long offset = Integer.toUnsignedLong(device.hashCode() * 0x9E3779B9) % (5 * MINUTE);
      if (offset % MINUTE > 10_000 && offset % MINUTE < 50_000) {
        return device;
      }
    }
  }

  private static void punctuate(DeviceStateTask task, CapturedPunctuator checks, long time) {
    task.context.setCurrentStreamTimeMs(time);
    checks.getPunctuator().punctuate(time);
  }

  private static long awayDeadline(DeviceStateTask task, String device) {
    try (KeyValueIterator<Bytes, String> all = task.watch.all()) {
      KeyValue<Bytes, String> only = all.next();
      assertThat(only.value).isEqualTo(device);
      assertThat(all.hasNext()).as("one entry: the away deadline").isFalse();
      return ByteBuffer.wrap(only.key.get()).getLong();
    }
  }

  /** Deltas that take a device out of the exposure of a ring. */
  private static List<VersionDelta> awayDeltas(List<KeyValue<StatsKey, VersionDelta>> deltas) {
    return deltas.stream()
        .map(kv -> kv.value)
        .filter(d -> d.getExposedByRing().values().stream().anyMatch(n -> n < 0))
        .toList();
  }
}
