package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.CrashKind;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.EvaluationSchedule;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which devices count as exposed, at the end of an evaluation's window, and what a heartbeat costs
 * the device-state store.
 */
class DeviceExposureTopologyTest {

  private static final Map<String, String> ON_290 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");
  private static final Map<String, String> ON_291 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "291", "windows", "22631.3880");
  private static final StatsKey CONTENT_291 = VersionKey.of("acme.sensor-content", "291");

  private static final Duration WINDOW = Duration.ofMinutes(30);

  private TopologyFixture fx;
  private KeyValueStore<String, DeviceState> devices;
  private KeyValueStore<StatsKey, VersionStats> stats;

  @BeforeEach
  void start() throws Exception {
    fx = new TopologyFixture();
    devices = fx.driver.getKeyValueStore(DeviceStateProcessor.STORE);
    stats = fx.driver.getKeyValueStore(VersionStatsProcessor.STORE);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  /** Another device's heartbeats every five minutes, to move the pipeline's clock. */
  private void othersUntil(int fromMinute, int toMinute) {
    for (int m = fromMinute; m <= toMinute; m += 5) {
      fx.pipe(heartbeat("d2", "broad", t(m), ON_290));
    }
  }

  private long exposedBetween(double from, double to) {
    return VersionStatsProcessor.exposedBetween(
        stats.get(CONTENT_291), t(from).toEpochMilli(), t(to).toEpochMilli());
  }

  /** The default last-seen bucket, in minutes (a multiple of five, the others' heartbeats). */
  private int bucket() {
    return (int) fx.settings.lastSeenBucket().toMinutes();
  }

  @Test
  void aDeviceNotHeardForAWindowStopsCountingAsExposedUntilItIsHeardAgain() {
    int awayBy = 30 + 2 * bucket();
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    othersUntil(0, 30);
    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isEqualTo(1);

    // last seen in the bucket of minute 0: away a 30-minute window after that bucket ends and its
    // offset into the next, so by a window and two buckets
    othersUntil(35, awayBy);
    assertThat(devices.get("d1").getAway()).isTrue();
    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isZero();
    // it ran the version in the window ending now, and no longer in one that starts after it left
    assertThat(exposedBetween(awayBy - 30, awayBy)).isEqualTo(1);
    othersUntil(awayBy + 5, awayBy + 30);
    assertThat(exposedBetween(awayBy, awayBy + 30)).isZero();

    fx.pipe(heartbeat("d1", "canary", t(awayBy + 31), ON_291));
    assertThat(devices.get("d1").getAway()).isFalse();
    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isEqualTo(1);
    assertThat(stats.get(CONTENT_291).getExposedByRing()).containsExactly(Map.entry("canary", 1L));
  }

  /**
   * Devices last heard in one bucket do not all go away at one tick: their checks spread over the
   * ticks of the next bucket (each device's own offset), so that no single punctuation, and so no
   * single transaction, checks a whole bucket's share of a large fleet. All of them are away by the
   * bound, a window and two buckets after the bucket starts.
   */
  @Test
  void theAwayChecksOfDevicesHeardInOneBucketSpreadOverTheTicksOfTheNextBucket() {
    int fleet = 200;
    int first = 30 + bucket(); // a window after the bucket ends
    for (int d = 0; d < fleet; d++) {
      fx.pipe(boot("spread-" + d, "canary", t(0), ON_291));
    }
    othersUntil(5, 30);
    List<Integer> awayByMinute = new ArrayList<>();
    for (int m = first - 1; m <= first + bucket() + 1; m++) {
      fx.pipe(heartbeat("d2", "broad", t(m), ON_290));
      int away = 0;
      for (int d = 0; d < fleet; d++) {
        away += devices.get("spread-" + d).getAway() ? 1 : 0;
      }
      awayByMinute.add(away);
    }
    // the minute before the first: none yet; a bucket after the first: all
    assertThat(awayByMinute.get(0)).isZero();
    assertThat(awayByMinute.get(bucket() + 1)).isEqualTo(fleet);
    // the ticks of a bucket (the offsets' range) share them, none takes more than half
    for (int i = 1; i < awayByMinute.size(); i++) {
      assertThat(awayByMinute.get(i) - awayByMinute.get(i - 1))
          .as("devices gone away at the tick of minute %d, of %s", first - 1 + i, awayByMinute)
          .isLessThan(fleet / 2);
    }
    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isZero();
  }

  @Test
  void aDeviceThatKeepsReportingStaysExposed() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    for (int m = 10; m <= 120; m += 10) {
      fx.pipe(heartbeat("d1", "canary", t(m), ON_291));
    }
    assertThat(devices.get("d1").getAway()).isFalse();
    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isEqualTo(1);
    assertThat(stats.get(CONTENT_291).getLeftBuckets()).isEmpty();
  }

  @Test
  void aHeartbeatThatChangesNothingWritesNoStateAndNoChangelogRecord() {
    fx.pipe(boot("d1", "canary", t(0), ON_290));
    String changelog =
        fx.driver.producedTopicNames().stream()
            .filter(name -> name.endsWith(DeviceStateProcessor.STORE + "-changelog"))
            .findFirst()
            .orElseThrow();
    TestOutputTopic<byte[], byte[]> writes =
        fx.driver.createOutputTopic(
            changelog, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    assertThat(writes.readRecordsToList()).hasSize(1); // the boot

    // the default bucket: three of the emitter's default heartbeats (PT5M), two of which write
    // nothing
    int bucket = bucket();
    assertThat(bucket).isEqualTo(15);
    fx.pipe(heartbeat("d1", "canary", t(5), ON_290));
    fx.pipe(heartbeat("d1", "canary", t(10), ON_290));
    fx.pipe(heartbeat("d1", "canary", t(bucket - 0.1), ON_290));
    assertThat(writes.isEmpty()).isTrue();

    fx.pipe(heartbeat("d1", "canary", t(bucket), ON_290)); // the next last-seen bucket
    assertThat(writes.readRecordsToList()).hasSize(1);
    assertThat(devices.get("d1").getLastSeenBucket()).isEqualTo(t(bucket).toEpochMilli());
  }

  /**
   * The exposure of the evaluation at the boundary of {@code minute}, read now: as of the window's
   * end, not as it stands (a faster upstream task may already have sent the changes of later
   * minutes, and they must not count, or an evaluation's exposure would depend on how the tasks
   * interleave).
   */
  private long exposedAtEvaluationOf(int minute) {
    long end = EvaluationSchedule.windowEnd(t(minute).toEpochMilli());
    return VersionStatsProcessor.exposedBetween(
        stats.get(CONTENT_291), end - WINDOW.toMillis(), end);
  }

  @Test
  void aDeviceThatJoinsAfterTheWindowEndDoesNotCount() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d2", "canary", t(12.5), ON_291));

    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isEqualTo(2);
    assertThat(exposedAtEvaluationOf(12)).as("d2 joined in the minute of 12").isEqualTo(1);
    assertThat(exposedAtEvaluationOf(13)).isEqualTo(2);
  }

  @Test
  void aDeviceThatLeavesAfterTheWindowEndStillCounts() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d2", "canary", t(1), ON_291));
    fx.pipe(boot("d1", "canary", t(12.5), ON_290));

    assertThat(VersionStatsProcessor.exposed(stats.get(CONTENT_291))).isEqualTo(1);
    assertThat(exposedAtEvaluationOf(12)).as("d1 left in the minute of 12").isEqualTo(2);
    // it ran the version in the window of the next evaluation too: it left within it
    assertThat(exposedAtEvaluationOf(13)).isEqualTo(2);
  }

  @Test
  void aDeviceThatJoinsAndLeavesAfterTheWindowEndNeverCounts() {
    fx.pipe(boot("d1", "canary", t(0), ON_290));
    fx.pipe(boot("d1", "canary", t(12.2), ON_291));
    fx.pipe(boot("d1", "canary", t(12.7), ON_290));

    assertThat(exposedAtEvaluationOf(12)).isZero();
  }

  /**
   * The version figures and device states are held as objects and written to their stores once per
   * commit (WriteBackKeyValueStore): the task's commit must still carry every change into the
   * changelogs, or a restored task would lose them. The driver commits after each record, as a real
   * task does at its commit interval.
   */
  @Test
  void everyCommitLeavesTheChangelogsHoldingTheStoresContents() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d2", "broad", t(0), ON_290));
    fx.pipe(heartbeat("d3", "broad", t(1), ON_290));
    fx.pipe(crash("d1", t(2), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));
    fx.pipe(boot("d2", "broad", t(3), ON_291)); // d2 leaves 290 for 291
    fx.pipe(heartbeat("d3", "broad", t(6), ON_290));

    Map<StatsKey, VersionStats> figures = contents(stats);
    assertThat(figures.get(CONTENT_291).getCrashedDevices()).isEqualTo(1);
    assertThat(VersionStatsProcessor.exposed(figures.get(CONTENT_291))).isEqualTo(2);
    assertThat(
            lastChangelogValues(
                VersionStatsProcessor.STORE,
                new InternalAvroSerde<>(StatsKey.class),
                new InternalAvroSerde<>(VersionStats.class)))
        .isEqualTo(figures);
    assertThat(
            lastChangelogValues(
                DeviceStateProcessor.STORE,
                Serdes.String(),
                new InternalAvroSerde<>(DeviceState.class)))
        .isEqualTo(contents(devices))
        .containsKeys("d1", "d2", "d3");
  }

  private static <K, V> Map<K, V> contents(KeyValueStore<K, V> store) {
    Map<K, V> all = new HashMap<>();
    try (KeyValueIterator<K, V> it = store.all()) {
      it.forEachRemaining(kv -> all.put(kv.key, kv.value));
    }
    return all;
  }

  private <K, V> Map<K, V> lastChangelogValues(String store, Serde<K> keys, Serde<V> values) {
    String changelog =
        fx.driver.producedTopicNames().stream()
            .filter(name -> name.endsWith(store + "-changelog"))
            .findFirst()
            .orElseThrow();
    return fx.driver
        .createOutputTopic(changelog, keys.deserializer(), values.deserializer())
        .readKeyValuesToMap();
  }
}
