package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.processor.detect.DetectorAction;
import dev.crashwatch.processor.detect.DetectorThresholds;
import dev.crashwatch.processor.state.PairKey;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The detector in the topology: signals, alerts and health feeds, with explicit event times. */
class DetectionTopologyTest {

  private static final int DEVICES = 400;
  private static final int CANARY = 40;
  private static final String BUILD_A = "22631.3880";
  private static final String BUILD_B = "19045.4651";

  private TopologyFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new TopologyFixture();
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private static String device(int i) {
    return "d" + i;
  }

  private static String ring(int i) {
    return i < CANARY ? "canary" : "broad";
  }

  private static Map<String, String> on(String sensor, String content, String build) {
    return versions("acme.sensor", sensor, "acme.sensor-content", content, "windows", build);
  }

  private static String build(int i) {
    return i % 2 == 0 ? BUILD_A : BUILD_B;
  }

  /** Every device boots on content 290; the canary ring then takes content 291. */
  private void fleetWithCanaryOn291() {
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(boot(device(i), ring(i), t(0), on("7.11.18110", "290", build(i))));
    }
    for (int i = 0; i < CANARY; i++) {
      fx.pipe(heartbeat(device(i), ring(i), t(5), on("7.11.18110", "291", build(i))));
    }
  }

  /** The canary ring on 291; 30 of its devices crash in its module from t(10); quiet to t(18). */
  private void thirtyCanaryCrashesOn291() {
    fleetWithCanaryOn291();
    canaryCrashesOn291(0, 30, 10, "acmesensor.sys");
    quietUntil(14, 18);
  }

  /** Canary devices {@code from} to {@code to} (exclusive) crash on 291 in {@code module}. */
  private void canaryCrashesOn291(int from, int to, double minute, String module) {
    for (int i = from; i < to; i++) {
      fx.pipe(
          crash(
              device(i),
              t(minute + (i - from) * 0.1),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              module,
              on("7.11.18110", "291", build(i))));
    }
  }

  /** Moves stream time minute by minute with heartbeats of a quiet device. */
  private void quietUntil(int fromMinute, int toMinute) {
    for (int m = fromMinute; m <= toMinute; m++) {
      fx.pipe(heartbeat(device(DEVICES - 1), "broad", t(m), on("7.11.18110", "290", BUILD_B)));
    }
  }

  @Test
  void aFaultyContentVersionRaisesEachStateOnceAndThenResolves() {
    thirtyCanaryCrashesOn291();

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals).isNotEmpty();
    assertThat(signals)
        .allSatisfy(
            s ->
                assertThat(s.getComponent() + "@" + s.getVersion())
                    .isEqualTo("acme.sensor-content@291"));
    assertThat(signals.get(signals.size() - 1).getAction()).isEqualTo(SignalAction.ROLLBACK);
    for (int i = 1; i < signals.size(); i++) {
      assertThat(signals.get(i).getAction().ordinal())
          .isGreaterThan(signals.get(i - 1).getAction().ordinal());
    }
    RollbackSignal last = signals.get(signals.size() - 1);
    assertThat(last.getEvidence().getExposedDevices()).isEqualTo(CANARY);
    assertThat(last.getEvidence().getTopModule()).isEqualTo("acmesensor.sys");
    assertThat(last.getEvidence().getModuleBelongsToComponent()).isTrue();
    assertThat(last.getEvidence().getRingsReached()).containsExactly("canary");
    assertThat(last.getSignalId()).isEqualTo("acme.sensor-content@291/e1/ROLLBACK");
    // decided by the two-sample e-process, past ROLLBACK's threshold, with an interval above 1
    assertThat(last.getEvidence().getTest()).isEqualTo("two-sample e-process");
    assertThat(last.getEvidence().getThreshold())
        .isCloseTo(
            -Math.log10(DetectorThresholds.DEFAULTS.budget().twoSample(DetectorAction.ROLLBACK)),
            within(1e-9));
    assertThat(last.getEvidence().getStatistic())
        .isGreaterThanOrEqualTo(last.getEvidence().getThreshold());
    assertThat(last.getEvidence().getRateRatioLower()).isGreaterThan(1.0);
    assertThat(last.getEvidence().getRateRatioUpper())
        .isGreaterThan(last.getEvidence().getRateRatioLower());
    List<SpikeAlert> alerts = fx.alerts.readValuesToList();
    assertThat(alerts)
        .extracting(SpikeAlert::getAlertId)
        .containsExactlyElementsOf(signals.stream().map(RollbackSignal::getSignalId).toList());
    assertThat(alerts.get(alerts.size() - 1).getVendor()).isEqualTo("acme");

    // more crashes of the same fault change nothing
    for (int i = 30; i < CANARY; i++) {
      fx.pipe(
          crash(
              device(i),
              t(19 + i * 0.01),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              "acmesensor.sys",
              on("7.11.18110", "291", build(i))));
    }
    quietUntil(20, 25);
    assertThat(fx.signals.isEmpty()).isTrue();
    assertThat(fx.alerts.isEmpty()).isTrue();

    // the crashes stop: once the window has passed, three quiet evaluations resolve it
    quietUntil(26, 56);
    List<RollbackSignal> after = fx.signals.readValuesToList();
    assertThat(after).extracting(RollbackSignal::getAction).containsExactly(SignalAction.RESOLVED);
    assertThat(after.get(0).getPreviousAction()).isEqualTo(SignalAction.ROLLBACK);

    List<VendorHealth> health = fx.acmeHealth.readValuesToList();
    assertThat(health).isNotEmpty();
    assertThat(health)
        .anySatisfy(
            h -> {
              assertThat(h.getComponent()).isEqualTo("acme.sensor-content");
              assertThat(h.getVersion()).isEqualTo("291");
              assertThat(h.getSignal()).isEqualTo(SignalAction.ROLLBACK);
            });
  }

  @Test
  void versionHealthSnapshotsCarryTheDetectorsFiguresOncePerMinute() {
    thirtyCanaryCrashesOn291();

    List<KeyValue<String, VersionHealth>> snapshots = fx.versionHealth.readKeyValuesToList();
    Map<String, VersionHealth> latest = new HashMap<>();
    Map<String, Set<Long>> minutes = new HashMap<>();
    for (KeyValue<String, VersionHealth> kv : snapshots) {
      latest.put(kv.key, kv.value);
      long minute = kv.value.getSnapshotTime().toEpochMilli() / 60_000;
      assertThat(minutes.computeIfAbsent(kv.key, k -> new HashSet<>()).add(minute))
          .as("one snapshot of %s per minute", kv.key)
          .isTrue();
    }
    VersionHealth faulty = latest.get("acme.sensor-content@291");
    assertThat(faulty.getComponent()).isEqualTo("acme.sensor-content");
    assertThat(faulty.getVersion()).isEqualTo("291");
    assertThat(faulty.getVendor()).isEqualTo("acme");
    assertThat(faulty.getExposedDevices()).isEqualTo(CANARY);
    assertThat(faulty.getExposedByRing()).containsExactly(Map.entry("canary", (long) CANARY));
    assertThat(faulty.getCrashedDevices()).isEqualTo(30);
    assertThat(faulty.getCrashedByRing()).containsExactly(Map.entry("canary", 30L));
    assertThat(faulty.getSilentDevices()).isZero();
    assertThat(faulty.getCrashRate()).isEqualTo(30.0 / CANARY);
    assertThat(faulty.getBaseline()).isEqualTo("rest-of-fleet");
    assertThat(faulty.getBaselineRate()).isGreaterThan(0).isLessThan(0.01);
    assertThat(faulty.getRateRatio())
        .isCloseTo(faulty.getCrashRate() / faulty.getBaselineRate(), within(1e-9));
    // log10 of one over the two-sample test's share of the HALT budget
    assertThat(faulty.getThreshold())
        .isCloseTo(
            -Math.log10(DetectorThresholds.DEFAULTS.budget().twoSample(DetectorAction.HALT)),
            within(1e-9));
    assertThat(faulty.getStatistic()).isGreaterThan(faulty.getThreshold());
    assertThat(faulty.getState()).isEqualTo(SignalAction.ROLLBACK);
    assertThat(faulty.getDegradedDevices()).isZero();
    assertThat(faulty.getTamperedDevices()).isZero();

    VersionHealth healthy = latest.get("acme.sensor-content@290");
    // the canary devices left 290 within the window: they still count as exposed to it
    assertThat(healthy.getExposedDevices()).isEqualTo(DEVICES);
    assertThat(healthy.getCrashedDevices()).isZero();
    assertThat(healthy.getCrashedByRing()).isEmpty();
    assertThat(healthy.getRateRatio()).isZero();
    assertThat(healthy.getStatistic()).isLessThan(healthy.getThreshold());
    assertThat(healthy.getState()).isNull();
  }

  @Test
  void crashesArrivingSlowlyEscalateWatchHaltRollbackOnceEach() {
    fleetWithCanaryOn291();
    for (int i = 0; i < 12; i++) {
      fx.pipe(
          crash(
              device(i),
              t(10 + i),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              "acmesensor.sys",
              on("7.11.18110", "291", build(i))));
    }
    quietUntil(22, 24);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals)
        .extracting(RollbackSignal::getAction)
        .containsExactly(SignalAction.WATCH, SignalAction.HALT, SignalAction.ROLLBACK);
    assertThat(signals)
        .extracting(RollbackSignal::getPreviousAction)
        .containsExactly(null, SignalAction.WATCH, SignalAction.HALT);
    assertThat(signals).extracting(RollbackSignal::getEpisode).containsOnly(1);
    assertThat(signals.get(0).getEvidence().getCrashedDevices()).isEqualTo(3);
    assertThat(fx.alerts.readValuesToList())
        .extracting(SpikeAlert::getSeverity)
        .containsExactly(SignalAction.WATCH, SignalAction.HALT, SignalAction.ROLLBACK);
  }

  @Test
  void devicesThatGoSilentAfterTakingAVersionCountAgainstIt() {
    // 25 canary devices take 291 at t(5) and are never heard again (a boot loop that gets no
    // further than the update: no crash-boot, no report)
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(boot(device(i), ring(i), t(0), on("7.11.18110", "290", build(i))));
    }
    for (int i = 0; i < CANARY; i++) {
      fx.pipe(heartbeat(device(i), ring(i), t(5), on("7.11.18110", "291", build(i))));
    }
    // the rest of the fleet heartbeats every 30 minutes
    for (int m : new int[] {35, 65}) {
      for (int i = 25; i < DEVICES; i++) {
        String content = i < CANARY ? "291" : "290";
        fx.pipe(
            heartbeat(device(i), ring(i), t(m + i * 0.001), on("7.11.18110", content, build(i))));
      }
    }
    quietUntil(66, 70);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals).isNotEmpty();
    assertThat(signals)
        .allSatisfy(
            sig -> {
              assertThat(sig.getComponent()).isEqualTo("acme.sensor-content");
              assertThat(sig.getVersion()).isEqualTo("291");
            });
    RollbackSignal last = signals.get(signals.size() - 1);
    assertThat(last.getEvidence().getSilentDevices()).isEqualTo(25);
    assertThat(last.getEvidence().getCrashedDevices()).isZero();
  }

  @Test
  void bootsAfterACrashCountAsCrashesWhenTheyArriveWithoutWaitingForTheReports() {
    fleetWithCanaryOn291();
    // 25 canary devices come back from a crash at t(7); their reports never arrive
    for (int i = 0; i < 25; i++) {
      fx.pipe(
          boot(device(i), ring(i), t(7), ShutdownKind.CRASH, on("7.11.18110", "291", build(i))));
    }
    quietUntil(8, 12);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals)
        .extracting(sig -> sig.getComponent() + "@" + sig.getVersion())
        .containsOnly("acme.sensor-content@291");
    RollbackSignal last = signals.get(signals.size() - 1);
    assertThat(last.getEvidence().getDecisionTime()).isBefore(t(12));
    assertThat(last.getEvidence().getCrashedDevices()).isEqualTo(25);
    // no report, so no module: HALT, not ROLLBACK
    assertThat(last.getAction()).isEqualTo(SignalAction.HALT);
  }

  @Test
  void theRollbackModuleGateLooksAtTheWindowsCrashesNotAllTime() {
    fleetWithCanaryOn291();
    // first episode: 12 canary devices crash in the content's own module, then it is quiet
    canaryCrashesOn291(0, 12, 10, "acmesensor.sys");
    quietUntil(11, 54);
    List<RollbackSignal> first = fx.signals.readValuesToList();
    assertThat(first).extracting(RollbackSignal::getAction).contains(SignalAction.ROLLBACK);
    assertThat(first.get(first.size() - 1).getAction()).isEqualTo(SignalAction.RESOLVED);

    // second episode: 10 others crash in a GPU driver's module; all time, acmesensor.sys still
    // leads (12 to 10), but none of the window's crashes is in the content's module
    canaryCrashesOn291(12, 22, 55, "nvgpu.sys");
    quietUntil(57, 61);

    List<RollbackSignal> second = fx.signals.readValuesToList();
    assertThat(second).isNotEmpty();
    assertThat(second).extracting(RollbackSignal::getAction).doesNotContain(SignalAction.ROLLBACK);
    assertThat(second.get(second.size() - 1).getEvidence().getTopModule()).isEqualTo("nvgpu.sys");
  }

  @Test
  void aSilentBootLoopIsBlamedOnTheContentNotOnTheSensorBuildItNeeds() {
    // 70% run sensor 7.11; content 291 reaches the canary ring and boot-loops only the 7.11
    // devices there, which never upload anything: the failures are silence, not crashes
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(boot(device(i), ring(i), t(0), on(sensor(i), "290", build(i))));
    }
    for (int i = 0; i < CANARY; i++) {
      fx.pipe(heartbeat(device(i), ring(i), t(5), on(sensor(i), "291", build(i))));
      if (sensor(i).equals("7.11.18110")) {
        fx.pipe(boot(device(i), ring(i), t(7), ShutdownKind.CRASH, on(sensor(i), "291", build(i))));
      }
    }
    for (int m : new int[] {35, 65}) {
      for (int i = 0; i < DEVICES; i++) {
        if (i >= CANARY || !sensor(i).equals("7.11.18110")) {
          String content = i < CANARY ? "291" : "290";
          fx.pipe(
              heartbeat(device(i), ring(i), t(m + i * 0.001), on(sensor(i), content, build(i))));
        }
      }
    }
    quietUntil(66, 70);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    // 7.11 is elevated on its own (all the silent devices run it), but the devices running it
    // and not 291 are as quiet as the rest: the silence is subtracted with 291's pair counts
    assertThat(signals).isNotEmpty();
    assertThat(signals)
        .extracting(sig -> sig.getComponent() + "@" + sig.getVersion())
        .containsOnly("acme.sensor-content@291");
    // the crash-boots count the 28 devices as crashed when they arrive (before, with no report,
    // they counted only once silent); the detector evaluates every minute of the quiet spell after
    // them, so the crashes leave the window (RESOLVED) before the devices count as silent (HALT)
    assertThat(signals.get(0).getEvidence().getCrashedDevices()).isEqualTo(28);
    assertThat(signals.get(signals.size() - 1).getEvidence().getSilentDevices()).isEqualTo(28);
  }

  @Test
  void aSignalledVersionThatGoesOnToTheWholeFleetHoldsAndStillExplainsTheBuildItNeeds() {
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(boot(device(i), ring(i), t(0), on(sensor(i), "290", build(i))));
    }
    // the canary ring takes 291 at t(5), everyone else at t(20) (no controller stops it); 291
    // crashes the 7.11 devices three minutes after they take it
    for (int[] wave : new int[][] {{0, CANARY, 5}, {CANARY, DEVICES, 20}}) {
      for (int i = wave[0]; i < wave[1]; i++) {
        fx.pipe(
            heartbeat(device(i), ring(i), t(wave[2] + i * 0.001), on(sensor(i), "291", build(i))));
      }
      for (int i = wave[0]; i < wave[1]; i++) {
        if (sensor(i).equals("7.11.18110")) {
          fx.pipe(
              crash(
                  device(i),
                  t(wave[2] + 3 + i * 0.001),
                  CrashKind.KERNEL_BUGCHECK,
                  "0x50",
                  "acmesensor.sys",
                  on(sensor(i), "291", build(i))));
        }
      }
      quietUntil(wave[2] + 4, wave[2] + 14);
    }
    quietUntil(35, 40);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals)
        .extracting(sig -> sig.getComponent() + "@" + sig.getVersion())
        .containsOnly("acme.sensor-content@291");
    // once 291 runs everywhere there is nothing left to compare it with: it holds, never resolves
    assertThat(signals).extracting(RollbackSignal::getAction).doesNotContain(SignalAction.RESOLVED);
    assertThat(signals.get(signals.size() - 1).getAction()).isEqualTo(SignalAction.ROLLBACK);
  }

  private static String sensor(int i) {
    return i % 10 < 7 ? "7.11.18110" : "7.10.17706";
  }

  @Test
  void aSilentDeviceCountsUntilItIsHeardAgain() {
    KeyValueStore<StatsKey, VersionStats> stats =
        fx.driver.getKeyValueStore(VersionStatsProcessor.STORE);
    fx.pipe(boot("d1", "canary", t(0), on("7.11.18110", "290", BUILD_A)));
    fx.pipe(heartbeat("d1", "canary", t(1), on("7.11.18110", "291", BUILD_A)));
    quietUntil(2, 60);
    assertThat(silent(stats.get(VersionKey.of("acme.sensor-content", "291")))).isZero();
    quietUntil(61, 63);
    assertThat(silent(stats.get(VersionKey.of("acme.sensor-content", "291")))).isEqualTo(1);
    assertThat(silent(stats.get(VersionKey.of("acme.sensor-content", "290")))).isZero();
    // the pairs of its versions too: blame subtracts silent devices like crashed ones
    StatsKey pair =
        PairKey.of(
            new VersionKey("acme.sensor-content", "291"),
            new VersionKey("acme.sensor", "7.11.18110"));
    assertThat(silent(stats.get(pair))).isEqualTo(1);
    fx.pipe(heartbeat("d1", "canary", t(64), on("7.11.18110", "291", BUILD_A)));
    assertThat(silent(stats.get(VersionKey.of("acme.sensor-content", "291")))).isZero();
    assertThat(silent(stats.get(pair))).isZero();
  }

  private static long silent(VersionStats stats) {
    return stats.getSilentBuckets().values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void aCrashWaveOnOneOsBuildBlamesTheBuildNotTheSensorRollingOut() {
    // sensor 7.11 rolls out mostly on build B; build B crash-waves (every other B device)
    for (int i = 0; i < DEVICES; i++) {
      String sensor = i % 2 == 1 && i < 300 ? "7.11.18110" : "7.10.17706";
      fx.pipe(boot(device(i), ring(i), t(0), on(sensor, "290", build(i))));
    }
    // the wave hits both sensor versions' devices on build B at the same time
    List<Integer> wave = new java.util.ArrayList<>();
    for (int i = 1; i < DEVICES; i += 4) {
      wave.add(i);
    }
    wave.sort(java.util.Comparator.comparingInt(i -> (i * 37) % DEVICES));
    for (int n = 0; n < wave.size(); n++) {
      int i = wave.get(n);
      String sensor = i < 300 ? "7.11.18110" : "7.10.17706";
      fx.pipe(
          crash(
              device(i),
              t(10 + n * 0.04),
              CrashKind.KERNEL_BUGCHECK,
              "0x1A",
              "ntoskrnl.exe",
              on(sensor, "290", BUILD_B)));
    }
    quietUntil(15, 20);

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals).isNotEmpty();
    assertThat(signals)
        .allSatisfy(
            s -> {
              assertThat(s.getComponent()).isEqualTo("windows");
              assertThat(s.getVersion()).isEqualTo(BUILD_B);
            });
  }

  @Test
  void aFaultyPushToEveryDeviceAtOnceIsHaltedAgainstThePreviousVersionsHistory() {
    // content 290 runs everywhere for 40 minutes with no crash, then 292 is pushed to every device
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(boot(device(i), ring(i), t(0), on("7.11.18110", "290", build(i))));
    }
    quietUntil(1, 40);
    for (int i = 0; i < DEVICES; i++) {
      fx.pipe(heartbeat(device(i), ring(i), t(41 + i * 0.001), on("7.11.18110", "292", build(i))));
    }
    for (int i = 0; i < 30; i++) {
      fx.pipe(
          crash(
              device(i * 7),
              t(44 + i * 0.1),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              "acmesensor.sys",
              on("7.11.18110", "292", build(i * 7))));
    }
    for (int m = 48; m <= 52; m++) {
      fx.pipe(heartbeat(device(DEVICES - 1), "broad", t(m), on("7.11.18110", "292", BUILD_B)));
    }

    List<RollbackSignal> signals = fx.signals.readValuesToList();
    // all the evidence arrives between two looks: straight to ROLLBACK (its module is acme's)
    assertThat(signals).extracting(RollbackSignal::getAction).contains(SignalAction.ROLLBACK);
    assertThat(signals)
        .allSatisfy(
            s -> {
              assertThat(s.getVersion()).isEqualTo("292");
              assertThat(s.getEvidence().getTest()).isEqualTo("history e-process");
              assertThat(s.getEvidence().getStatistic())
                  .isGreaterThanOrEqualTo(s.getEvidence().getThreshold());
            });
  }

  @Test
  void aPowerOutageRaisesNothing() {
    fleetWithCanaryOn291();
    for (int i = 0; i < 200; i++) {
      fx.pipe(
          boot(
              device(i),
              ring(i),
              t(10 + i * 0.01),
              ShutdownKind.UNEXPECTED_POWER_LOSS,
              on("7.11.18110", i < CANARY ? "291" : "290", build(i))));
    }
    quietUntil(13, 20);
    assertThat(fx.signals.isEmpty()).isTrue();
    assertThat(fx.alerts.isEmpty()).isTrue();
  }

  @Test
  void aFewRandomCrashesRaiseNothing() {
    fleetWithCanaryOn291();
    for (int i : new int[] {3, 150, 277}) {
      fx.pipe(
          crash(
              device(i),
              t(10 + i * 0.01),
              CrashKind.KERNEL_BUGCHECK,
              "0x3B",
              "somedriver.sys",
              on("7.11.18110", i < CANARY ? "291" : "290", build(i))));
    }
    quietUntil(13, 20);
    assertThat(fx.signals.isEmpty()).isTrue();
    assertThat(fx.alerts.isEmpty()).isTrue();
  }
}
