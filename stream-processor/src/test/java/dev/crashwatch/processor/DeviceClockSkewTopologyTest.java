package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.crash;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device clocks half an hour off either way: each record's timestamp is its arrival (the pipeline's
 * clock), the device's own times in the event are skewed. A crash on such a device counts in the
 * window at once, on the pipeline's clock, and nothing is dead-lettered.
 */
class DeviceClockSkewTopologyTest {

  private static final int DEVICES = 400;
  private static final int CANARY = 40;
  private static final Duration SKEW = Duration.ofMinutes(30);

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

  /** Canary devices' clocks: the even ones 30 minutes ahead, the odd ones 30 minutes behind. */
  private static Instant clock(int i, Instant arrival) {
    if (i >= CANARY) {
      return arrival;
    }
    return i % 2 == 0 ? arrival.plus(SKEW) : arrival.minus(SKEW);
  }

  private static Map<String, String> on(String content) {
    return versions(
        "acme.sensor", "7.11.18110", "acme.sensor-content", content, "windows", "22631.3880");
  }

  /** The fleet on 290; the canary takes 291 at t(5); 30 canary devices crash from t(10). */
  private void canaryCrashesWithSkewedClocks(boolean reports) {
    for (int i = 0; i < DEVICES; i++) {
      fx.boots.pipeInput(device(i), boot(device(i), ring(i), clock(i, t(0)), on("290")), t(0));
    }
    for (int i = 0; i < CANARY; i++) {
      fx.heartbeats.pipeInput(
          device(i), heartbeat(device(i), ring(i), clock(i, t(5)), on("291")), t(5));
    }
    for (int i = 0; i < 30; i++) {
      // the boot after the crash, at once, saying the previous shutdown was a crash
      Instant rebooted = t(10 + i * 0.05);
      fx.boots.pipeInput(
          device(i),
          boot(device(i), ring(i), clock(i, rebooted), ShutdownKind.CRASH, on("291")),
          rebooted);
    }
    if (reports) {
      for (int i = 0; i < 30; i++) {
        Instant crashed = t(10 + i * 0.05).minusSeconds(30);
        Crash report =
            crash(
                device(i),
                clock(i, crashed),
                CrashKind.KERNEL_BUGCHECK,
                "0x50",
                "acmesensor.sys",
                on("291"));
        // uploaded a minute after the crash by the device's clock, arriving then
        fx.crashes.pipeInput(device(i), report, crashed.plusSeconds(60));
      }
    }
    for (int m = 12; m <= 18; m++) {
      fx.heartbeats.pipeInput(
          device(DEVICES - 1), heartbeat(device(DEVICES - 1), "broad", t(m), on("290")), t(m));
    }
  }

  private long crashedInWindowAt(Instant now) {
    KeyValueStore<StatsKey, VersionStats> stats =
        fx.driver.getKeyValueStore(VersionStatsProcessor.STORE);
    VersionStats content = stats.get(VersionKey.of("acme.sensor-content", "291"));
    long to = now.toEpochMilli();
    return VersionStatsProcessor.crashedBetween(
        content, to - fx.settings.detectorWindow().toMillis(), to);
  }

  @Test
  void crashesOnClocksAheadAndBehindCountInTheWindowAtOnce() {
    canaryCrashesWithSkewedClocks(false);
    assertThat(crashedInWindowAt(t(13))).isEqualTo(30);
    assertThat(fx.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void theirReportsAddTheModuleWithoutCountingTheDevicesTwice() {
    canaryCrashesWithSkewedClocks(true);
    assertThat(crashedInWindowAt(t(13))).isEqualTo(30);
    KeyValueStore<StatsKey, VersionStats> stats =
        fx.driver.getKeyValueStore(VersionStatsProcessor.STORE);
    VersionStats content = stats.get(VersionKey.of("acme.sensor-content", "291"));
    long now = t(13).toEpochMilli();
    assertThat(
            VersionStatsProcessor.modulesBetween(
                content, now - fx.settings.detectorWindow().toMillis(), now))
        .containsEntry("acmesensor.sys", 30L);
    assertThat(fx.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void theSignalIsStampedWithThePipelinesClockNotTheFastestDevices() {
    canaryCrashesWithSkewedClocks(true);
    List<RollbackSignal> signals = fx.signals.readValuesToList();
    assertThat(signals)
        .filteredOn(s -> s.getAction().ordinal() >= SignalAction.HALT.ordinal())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.getEvidence().getDecisionTime()).isBetween(t(10), t(18)));
  }
}
