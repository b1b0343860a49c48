package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeltaBufferTest {

  private static final long MINUTE = 60_000L;
  private static final long T0 = 1_721_361_600_000L; // 2024-07-19T04:00Z
  private static final List<StatsKey> KEYS =
      List.of(
          VersionKey.of("acme.sensor-content", "291"),
          VersionKey.of("windows", "22631.3880"),
          DeviceStateProcessor.tenantKey("tenant-1"));

  /**
   * The buffer is only correct while it knows every field of a delta: a field added to the schema
   * must be added to its copy and its sum, and then here.
   */
  @Test
  void knowsEveryFieldOfADelta() {
    assertThat(VersionDelta.getClassSchema().getFields().stream().map(Schema.Field::name))
        .containsExactly(
            "exposedByRing",
            "crashedDevices",
            "firstCrashTime",
            "bugchecks",
            "modules",
            "crashBucket",
            "silentDevices",
            "ring",
            "degradedDevices",
            "tamperedDevices");
  }

  /**
   * What the buffer is for: the sums it forwards give version-stats the same figures, bucket for
   * bucket, as the deltas one by one; over seeded random deltas of every kind (devices joining,
   * leaving and moving ring, crashes with and without reports, silence and its end, sensor health),
   * spread over minutes, drained at random points as ticks and commits would.
   */
  @Test
  void itsSumsGiveTheFiguresTheDeltasGiveOneByOne() {
    for (long seed = 1; seed <= 50; seed++) {
      Random random = new Random(seed);
      Map<StatsKey, VersionStats> oneByOne = new LinkedHashMap<>();
      Map<StatsKey, VersionStats> summed = new LinkedHashMap<>();
      DeltaBuffer buffer = new DeltaBuffer();
      int deltas = 0;
      int forwarded = 0;
      Map<String, Integer> exposed = new HashMap<>();
      long time = T0;
      for (int i = 0; i < 2_000; i++) {
        time += random.nextInt(500);
        StatsKey key = KEYS.get(random.nextInt(KEYS.size()));
        VersionDelta delta = randomDelta(random, time, key, exposed);
        apply(oneByOne, key, delta, time);
        buffer.add(key, delta, time);
        deltas++;
        if (random.nextInt(200) == 0) {
          forwarded += drainInto(buffer, summed);
        }
      }
      forwarded += drainInto(buffer, summed);

      assertThat(summed).as("seed %d", seed).isEqualTo(oneByOne);
      assertThat(forwarded).as("seed %d: records forwarded", seed).isLessThan(deltas / 3);
    }
  }

  @Test
  void aDeviceThatLeavesAndOneThatJoinsInTheSameMinuteStayTwoFigures() {
    DeltaBuffer buffer = new DeltaBuffer();
    StatsKey key = KEYS.get(0);
    buffer.add(key, exposure("canary", -1), T0 + 1_000);
    buffer.add(key, exposure("canary", +1), T0 + 2_000);
    buffer.add(key, exposure("canary", +1), T0 + 3_000);

    List<Record<StatsKey, VersionDelta>> out = new ArrayList<>();
    buffer.drain(out::add);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).value().getExposedByRing()).containsEntry("canary", -1L);
    assertThat(out.get(0).timestamp()).isEqualTo(T0 + 1_000);
    assertThat(out.get(1).value().getExposedByRing()).containsEntry("canary", 2L);
    assertThat(out.get(1).timestamp()).isEqualTo(T0 + 2_000);
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void neverChangesTheDeltaItWasGiven() {
    DeltaBuffer buffer = new DeltaBuffer();
    VersionDelta shared = exposure("broad", +1);
    buffer.add(KEYS.get(0), shared, T0);
    buffer.add(KEYS.get(0), shared, T0 + 1);

    assertThat(shared.getExposedByRing()).isEqualTo(Map.of("broad", 1L));
  }

  private static int drainInto(DeltaBuffer buffer, Map<StatsKey, VersionStats> stats) {
    List<Record<StatsKey, VersionDelta>> out = new ArrayList<>();
    buffer.drain(out::add);
    out.forEach(r -> apply(stats, r.key(), r.value(), r.timestamp()));
    return out.size();
  }

  private static void apply(
      Map<StatsKey, VersionStats> stats, StatsKey key, VersionDelta delta, long time) {
    VersionStats s = stats.computeIfAbsent(key, k -> VersionStats.newBuilder().build());
    // no bucket ages out here: the watermark, and so the retention, moves only at ticks
    VersionStatsProcessor.apply(s, delta, time, T0 - 60 * MINUTE);
  }

  private static VersionDelta exposure(String ring, long change) {
    VersionDelta delta = VersionDelta.newBuilder().build();
    delta.setExposedByRing(Map.of(ring, change));
    return delta;
  }

  /**
   * A delta a device state could send: a device leaves only a version and ring some device runs
   * ({@code exposed}, per key and ring, kept here).
   */
  private static VersionDelta randomDelta(
      Random random, long time, StatsKey key, Map<String, Integer> exposed) {
    long minute = Math.floorDiv(time, MINUTE) * MINUTE;
    String ring = List.of("canary", "early", "broad").get(random.nextInt(3));
    VersionDelta delta = VersionDelta.newBuilder().build();
    switch (random.nextInt(6)) {
      case 0, 1 -> { // a device joined or left (a ring move is one of each, as it is sent)
        String where = key + "/" + ring;
        int running = exposed.getOrDefault(where, 0);
        long change = running > 0 && random.nextInt(3) == 0 ? -1 : 1;
        exposed.put(where, running + (int) change);
        delta.setExposedByRing(Map.of(ring, change));
      }
      case 2 -> { // crashed
        delta.setCrashBucket(minute - MINUTE * random.nextInt(3));
        delta.setCrashedDevices(1);
        delta.setRing(ring);
        delta.setFirstCrashTime(time - random.nextInt(600_000));
        if (random.nextBoolean()) {
          Map<String, Long> modules = new HashMap<>();
          modules.put(random.nextBoolean() ? "acmesensor.sys" : "ntfs.sys", 1L);
          delta.setModules(modules);
          delta.setBugchecks(Map.of(random.nextBoolean() ? "0x50" : "0x7E", 1L));
        }
      }
      case 3 -> { // a report of a device already counted crashed: module only
        delta.setCrashBucket(minute);
        delta.setModules(Map.of("acmesensor.sys", 1L));
        delta.setBugchecks(Map.of("0x50", 1L));
      }
      case 4 -> { // silent, or heard again
        delta.setCrashBucket(minute - MINUTE * random.nextInt(2));
        delta.setSilentDevices(random.nextBoolean() ? 1 : -1);
      }
      default -> { // sensor health
        if (random.nextBoolean()) {
          delta.setDegradedDevices(random.nextBoolean() ? 1 : -1);
        } else {
          delta.setTamperedDevices(random.nextBoolean() ? 1 : -1);
        }
      }
    }
    return delta;
  }
}
