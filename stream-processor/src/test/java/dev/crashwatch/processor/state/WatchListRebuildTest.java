package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.ShutdownKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The silence watch list has no changelog: a task rebuilds it from the device states when it
 * starts. A task restarted mid-stream from its device states alone (an empty watch list, as after a
 * restore on another instance, plus a stale entry an older local copy left) must send the same
 * deltas from then on as one that ran through: the same devices found silent and going away, in the
 * same ticks.
 */
class WatchListRebuildTest {

  private static final long MINUTE = 60_000;
  private static final long START = Instant.parse("2024-07-19T03:00:00Z").toEpochMilli();
  private static final int DEVICES = 40;
  private static final int MINUTES = 8 * 60;

  private static DeviceStateTask task() {
    return DeviceStateTask.withSilenceAfter(Duration.ofMinutes(20));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void aTaskRestartedFromItsDeviceStatesSendsWhatOneThatRanThroughSends(long seed) {
    DeviceStateTask through = task();
    DeviceStateTask restarted = task();
    List<Record<String, SpecificRecord>> events = fleet(new Random(seed));
    int restartAt = events.size() / 2;
    List<List<KeyValue<StatsKey, VersionDelta>>> fromThrough = new ArrayList<>();
    List<List<KeyValue<StatsKey, VersionDelta>>> fromRestarted = new ArrayList<>();
    long nextTick = START + MINUTE;
    for (int i = 0; i < events.size(); i++) {
      Record<String, SpecificRecord> event = events.get(i);
      if (i == restartAt) {
        through.commit();
        restarted.commit();
        through.forwarded();
        restarted.forwarded();
        // the restarted task keeps only its device states (what the changelog restores)
        clear(restarted.watch);
        restarted.watch.put(
            DeviceStateProcessor.watchKey(event.timestamp(), "ghost"), "ghost"); // an older copy's
        restarted.start();
        assertThat(contents(restarted.watch)).doesNotContainValue("ghost");
      }
      while (event.timestamp() >= nextTick) {
        for (DeviceStateTask task : List.of(through, restarted)) {
          task.tick(nextTick);
        }
        if (i >= restartAt) {
          fromThrough.add(through.forwarded());
          fromRestarted.add(restarted.forwarded());
        }
        nextTick += MINUTE;
      }
      for (DeviceStateTask task : List.of(through, restarted)) {
        task.process(event);
      }
    }
    through.commit();
    restarted.commit();
    fromThrough.add(through.forwarded());
    fromRestarted.add(restarted.forwarded());

    assertThat(fromRestarted).hasSameSizeAs(fromThrough);
    for (int t = 0; t < fromThrough.size(); t++) {
      assertThat(fromRestarted.get(t))
          .as("tick %d after the restart", t)
          // the deadlines that fall in one tick may be met in another order: the deltas are sums
          .containsExactlyInAnyOrderElementsOf(fromThrough.get(t));
    }
    // the comparison has teeth: devices went away and were found silent after the restart
    List<VersionDelta> after =
        fromThrough.stream().flatMap(List::stream).map(kv -> kv.value).toList();
    assertThat(after).anyMatch(d -> d.getSilentDevices() > 0);
    assertThat(after).anyMatch(d -> d.getExposedByRing().values().stream().anyMatch(n -> n < 0));
  }

  /**
   * Devices that heartbeat every five minutes, take updates, crash-loop, fall silent after an
   * update or a crash-boot, and go quiet for long enough to count as away, then come back.
   */
  private static List<Record<String, SpecificRecord>> fleet(Random random) {
    List<Record<String, SpecificRecord>> events = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      String device = "d" + d;
      String ring = random.nextBoolean() ? "canary" : "broad";
      Map<String, String> components = new HashMap<>();
      components.put("acme.sensor", "7.11");
      components.put("acme.sensor-content", "290");
      long time = START + random.nextInt(5) * MINUTE + random.nextInt(60_000);
      events.add(
          record(
              device, time, DeviceEvents.boot(device, ring, time, ShutdownKind.CLEAN, components)));
      while (time < START + MINUTES * MINUTE) {
        int what = random.nextInt(100);
        if (what < 4) { // an update, then often silence
          components = new HashMap<>(components);
          components.put("acme.sensor-content", String.valueOf(291 + random.nextInt(3)));
          events.add(
              record(
                  device,
                  time,
                  DeviceEvents.boot(device, ring, time, ShutdownKind.CLEAN, components)));
          time += random.nextBoolean() ? 90 * MINUTE : 5 * MINUTE;
        } else if (what < 8) { // a crash, its report, and a crash-boot
          events.add(record(device, time, DeviceEvents.crash(device, time, components)));
          long boot = time + random.nextInt(3) * MINUTE + 1;
          events.add(
              record(
                  device,
                  boot,
                  DeviceEvents.boot(device, ring, boot, ShutdownKind.CRASH, components)));
          time = boot + (random.nextBoolean() ? 70 * MINUTE : 5 * MINUTE);
        } else if (what < 10) { // switched off for a while: away
          time += 50 * MINUTE + random.nextInt(60) * MINUTE;
        } else {
          SensorHealth health = random.nextInt(30) == 0 ? SensorHealth.DEGRADED : SensorHealth.OK;
          events.add(
              record(device, time, DeviceEvents.heartbeat(device, ring, time, health, components)));
          time += 5 * MINUTE + random.nextInt(20_000) - 10_000;
        }
      }
    }
    events.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    return events;
  }

  private static Record<String, SpecificRecord> record(
      String device, long time, SpecificRecord event) {
    return new Record<>(device, event, time);
  }

  private static void clear(KeyValueStore<Bytes, String> store) {
    contents(store).keySet().forEach(store::delete);
  }

  private static Map<Bytes, String> contents(KeyValueStore<Bytes, String> store) {
    Map<Bytes, String> all = new HashMap<>();
    try (KeyValueIterator<Bytes, String> it = store.all()) {
      it.forEachRemaining((KeyValue<Bytes, String> kv) -> all.put(kv.key, kv.value));
    }
    return all;
  }
}
