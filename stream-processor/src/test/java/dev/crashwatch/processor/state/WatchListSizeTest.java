package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.ShutdownKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/**
 * What one device can make the watch list hold, and so what each tick may have to check: a device
 * that crash-loops and uploads each crash report (a crash-boot makes it suspect, the report a
 * minute later makes it heard, its last-seen bucket moving in between) keeps at most its silence
 * deadline and one away check. It once added an away check at every report, up to 13 per device
 * here, each checked in its turn.
 */
class WatchListSizeTest {

  private static final long MINUTE = 60_000;
  private static final long START = Instant.parse("2024-07-19T03:30:00Z").toEpochMilli();
  private static final int DEVICES = 50;
  private static final Map<String, String> VERSIONS =
      Map.of("acme.sensor", "7.11.18110", "acme.sensor-content", "291");

  @Test
  void aCrashLoopingDeviceThatUploadsItsReportsKeepsAtMostTwoEntries() {
    DeviceStateTask task = DeviceStateTask.withSilenceAfter(Duration.ofHours(1));
    List<Record<String, SpecificRecord>> events = crashLoops(new Random(19));
    int most = 0;
    long nextTick = START + MINUTE;
    for (Record<String, SpecificRecord> event : events) {
      while (event.timestamp() >= nextTick) {
        task.tick(nextTick);
        task.forwarded();
        most = Math.max(most, mostEntriesOfOneDevice(task));
        nextTick += MINUTE;
      }
      task.process(event);
    }
    assertThat(most).isEqualTo(2);
  }

  /** Each device boots, runs for up to an hour, then crash-loops for three, uploading reports. */
  private static List<Record<String, SpecificRecord>> crashLoops(Random random) {
    List<Record<String, SpecificRecord>> events = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      String device = "loop-" + d;
      long time = START + random.nextInt(30) * MINUTE;
      events.add(
          new Record<>(
              device,
              DeviceEvents.boot(device, "broad", time, ShutdownKind.CLEAN, VERSIONS),
              time));
      time += random.nextInt(60) * MINUTE;
      long end = START + 4 * 60 * MINUTE;
      while (time < end) {
        time += (3 + random.nextInt(6)) * MINUTE;
        events.add(
            new Record<>(
                device,
                DeviceEvents.boot(device, "broad", time, ShutdownKind.CRASH, VERSIONS),
                time));
        events.add(new Record<>(device, DeviceEvents.crash(device, time, VERSIONS), time + MINUTE));
      }
    }
    events.sort(Comparator.comparingLong(Record::timestamp));
    return events;
  }

  private static int mostEntriesOfOneDevice(DeviceStateTask task) {
    Map<String, Integer> perDevice = new HashMap<>();
    try (KeyValueIterator<Bytes, String> it = task.watch.all()) {
      it.forEachRemaining(
          (KeyValue<Bytes, String> kv) -> perDevice.merge(kv.value, 1, Integer::sum));
    }
    return perDevice.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
