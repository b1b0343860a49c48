package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CrashwatchTopologyTest {

  private static final Map<String, String> ON_290 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");
  private static final Map<String, String> ON_291 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "291", "windows", "22631.3880");

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

  @Test
  void bootsAndHeartbeatsBuildDeviceStateAndExposurePerRing() {
    fx.pipe(boot("d1", "canary", t(0), ON_290));
    fx.pipe(boot("d2", "broad", t(0), ON_290));
    fx.pipe(heartbeat("d1", "canary", t(10), ON_291));

    assertThat(devices.get("d1").getVersions()).containsEntry("acme.sensor-content", "291");
    assertThat(devices.get("d1").getRing()).isEqualTo("canary");
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "291")).getExposedByRing())
        .containsExactly(Map.entry("canary", 1L));
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "290")).getExposedByRing())
        .containsExactly(Map.entry("broad", 1L));
    assertThat(stats.get(VersionKey.of("windows", "22631.3880")).getExposedByRing())
        .containsEntry("canary", 1L)
        .containsEntry("broad", 1L);
    assertThat(fx.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aCrashLoopingDeviceCountsOnceAndDuplicatesChangeNothing() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    var first = crash("d1", t(2), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291);
    fx.pipe(first);
    fx.pipe(first); // redelivered duplicate
    fx.pipe(crash("d1", t(4), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));

    VersionStats s = stats.get(VersionKey.of("acme.sensor-content", "291"));
    assertThat(s.getCrashedDevices()).isEqualTo(1);
    assertThat(s.getFirstCrashTime()).isEqualTo(t(2).toEpochMilli());
    assertThat(s.getBugchecks()).containsExactly(Map.entry("0x50", 1L));
    assertThat(s.getModules()).containsExactly(Map.entry("acmesensor.sys", 1L));
  }

  @Test
  void powerLossAndUserModeCrashesAreNotMachineCrashes() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d1", "canary", t(30), ShutdownKind.UNEXPECTED_POWER_LOSS, ON_291));
    fx.pipe(crash("d1", t(31), CrashKind.USER_MODE, null, "explorer.exe", ON_291));

    assertThat(stats.get(VersionKey.of("acme.sensor-content", "291")).getCrashedDevices()).isZero();
  }

  @Test
  void aLateCrashOfAnUnknownDeviceFillsInItsVersions() {
    fx.pipe(crash("d9", t(5), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));

    assertThat(devices.get("d9").getVersions()).isEqualTo(ON_291);
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "291")).getCrashedDevices())
        .isEqualTo(1);
  }

  @Test
  void garbageOnTheWireIsDeadLetteredWithItsReasonAndProcessingGoesOn() {
    var raw = fx.raw(fx.topics.crashes());
    byte[] key = "d1".getBytes(StandardCharsets.UTF_8);
    raw.pipeInput(key, new byte[] {1, 0, 0, 0, 1, 2, 3}, t(1));
    raw.pipeInput(key, new byte[] {0, 0x7f, 0, 0, 0, 2}, t(1));
    raw.pipeInput(key, new byte[] {0, 0}, t(1));
    byte[] valid =
        fx.serdes
            .value(Boot.class)
            .serializer()
            .serialize(fx.topics.boots(), boot("d1", "canary", t(1), ON_291));
    fx.raw(fx.topics.boots()).pipeInput(key, Arrays.copyOf(valid, valid.length - 3), t(1));
    // A valid boot on the crashes topic: its writer schema cannot be read as a Crash.
    raw.pipeInput(key, valid, t(1));
    fx.pipe(boot("d1", "canary", t(2), ON_291));

    var letters = fx.deadLetters.readValuesToList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly(
            "BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "TRUNCATED", "TRUNCATED", "SCHEMA_MISMATCH");
    assertThat(letters.get(3).getSourceTopic()).isEqualTo(fx.topics.boots());
    DeadLetter first = letters.get(0);
    assertThat(first.getSourceTopic()).isEqualTo(fx.topics.crashes());
    assertThat(first.getSourcePartition()).isZero();
    assertThat(first.getSourceOffset()).isZero();
    assertThat(letters.get(1).getSourceOffset()).isEqualTo(1);
    assertThat(first.getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 1, 2, 3}));
    assertThat(first.getDetail()).isNotBlank();
    // The valid boot after the garbage was processed.
    assertThat(devices.get("d1").getVersions()).isEqualTo(ON_291);
  }

  @Test
  void absurdAndFutureTimesAndWrongKeysAreDeadLettered() {
    fx.pipe(boot("d1", "canary", t(0), ON_290));
    Boot reset = boot("d2", "canary", java.time.Instant.parse("1970-01-01T00:05:00Z"), ON_290);
    fx.boots.pipeInput("d2", reset, t(0));
    Boot future = boot("d3", "canary", t(0).plusSeconds(2 * 3600), ON_290);
    fx.pipe(future);
    fx.boots.pipeInput("not-d4", boot("d4", "canary", t(1), ON_290), t(1));

    assertThat(fx.deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason)
        .containsExactly("ABSURD_TIMESTAMP", "FROM_THE_FUTURE", "KEY_MISMATCH");
    assertThat(devices.get("d2")).isNull();
    assertThat(devices.get("d3")).isNull();
    assertThat(devices.get("d4")).isNull();
    // The future boot did not drag stream time two hours ahead: a boot at t(2) is still on time.
    fx.pipe(boot("d5", "canary", t(2), ON_290));
    assertThat(devices.get("d5")).isNotNull();
  }

  @Test
  void aCrashAfterHoursOfQuietOnTheCrashTopicIsOnTime() {
    fx.pipe(crash("d1", t(0), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_290));
    for (int m = 10; m <= 180; m += 10) {
      fx.pipe(heartbeat("d2", "canary", t(m), ON_290));
    }
    fx.pipe(crash("d3", t(181), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_290));

    assertThat(fx.deadLetters.isEmpty()).isTrue();
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "290")).getCrashedDevices())
        .isEqualTo(2);
  }

  @Test
  void aHeartbeatOnlyMovesLastSeenWhenItCrossesABucket() {
    fx.pipe(boot("d1", "canary", t(0), ON_290));
    DeviceState afterBoot = devices.get("d1");
    fx.pipe(heartbeat("d1", "canary", t(14), ON_290)); // same 15-minute bucket, same versions
    assertThat(devices.get("d1")).isEqualTo(afterBoot);
    fx.pipe(heartbeat("d1", "canary", t(16), ON_290)); // next bucket: last seen moves
    assertThat(devices.get("d1").getLastSeenBucket()).isEqualTo(t(15).toEpochMilli());
  }

  /** Sums a version's per-minute buckets, as the detector does over its window. */
  private long crashedBetween(String component, String version, double from, double to) {
    return VersionStatsProcessor.crashedBetween(
        stats.get(VersionKey.of(component, version)), t(from).toEpochMilli(), t(to).toEpochMilli());
  }

  @Test
  void aDeviceCountsAgainOnceItsEarlierCrashHasLeftTheWindow() {
    // the detector's window is 30 minutes: a device that crashes at 2 and again at 40 is one of
    // the devices that crashed in the window ending at 40 (it counted once for ever before)
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(crash("d1", t(2), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));
    fx.pipe(crash("d1", t(20), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));
    fx.pipe(crash("d1", t(40), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291));

    // each report reaches the pipeline at its upload time, a minute after its crash
    assertThat(crashedBetween("acme.sensor-content", "291", 11, 41)).isEqualTo(1);
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "291")).getCrashedDevices())
        .isEqualTo(2);
    // counts older than the window are forgotten, not kept for ever
    assertThat(devices.get("d1").getCrashMinutes().get("acme.sensor-content"))
        .containsOnlyKeys("291")
        .containsEntry("291", t(41).toEpochMilli());
  }

  @Test
  void aLateCrashReportCountsWhenItArrivesForTheVersionTheDeviceRanWhenItCrashed() {
    // the report of a crash at 2 is uploaded at 75: the detector's window then is 45..75, and the
    // crash must be in it (it was placed in minute 2 and never seen by the detector before)
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    for (int m = 10; m <= 70; m += 10) {
      fx.pipe(heartbeat("d2", "canary", t(m), ON_290));
    }
    fx.pipe(crash("d1", t(2), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291), t(75));

    assertThat(crashedBetween("acme.sensor-content", "291", 45, 75)).isEqualTo(1);
    assertThat(fx.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aCrashBootCountsAtOnceAndItsLateReportAddsOnlyTheModule() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d1", "canary", t(3), ShutdownKind.CRASH, ON_291));

    VersionStats afterBoot = stats.get(VersionKey.of("acme.sensor-content", "291"));
    assertThat(afterBoot.getCrashedDevices()).isEqualTo(1);
    assertThat(afterBoot.getModules()).isEmpty();

    // the report of that crash arrives an hour later: the same crash, so the same one device
    for (int m = 10; m <= 60; m += 10) {
      fx.pipe(heartbeat("d2", "canary", t(m), ON_290));
    }
    var report = crash("d1", t(2), CrashKind.KERNEL_BUGCHECK, "0x50", "acmesensor.sys", ON_291);
    report.setUploadTime(t(63)); // its age when uploaded places the crash on the pipeline's clock
    fx.pipe(report, t(63));
    fx.pipe(report, t(64)); // redelivered

    VersionStats afterReport = stats.get(VersionKey.of("acme.sensor-content", "291"));
    assertThat(afterReport.getCrashedDevices()).isEqualTo(1);
    assertThat(afterReport.getModules()).containsExactly(Map.entry("acmesensor.sys", 1L));
    assertThat(
            VersionStatsProcessor.modulesBetween(
                afterReport, t(40).toEpochMilli(), t(70).toEpochMilli()))
        .containsExactly(Map.entry("acmesensor.sys", 1L));
  }

  @Test
  void aPowerLossBootIsNoCrash() {
    fx.pipe(boot("d1", "canary", t(0), ON_291));
    fx.pipe(boot("d1", "canary", t(3), ShutdownKind.UNEXPECTED_POWER_LOSS, ON_291));

    assertThat(stats.get(VersionKey.of("acme.sensor-content", "291")).getCrashedDevices()).isZero();
  }
}
