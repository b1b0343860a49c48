package dev.crashwatch.dashboard;

import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SignalEvidence;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VersionHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Output records as the processor writes them, for the view's tests. */
final class Outputs {

  static final Instant T0 = Instant.parse("2024-07-19T04:00:00Z");

  private Outputs() {}

  static Instant t(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  static RollbackSignal signal(
      String component, String version, SignalAction action, SignalAction previous, int minute) {
    return signal(component, version, 1, action, previous, minute);
  }

  static RollbackSignal signal(
      String component,
      String version,
      int episode,
      SignalAction action,
      SignalAction previous,
      int minute) {
    return RollbackSignal.newBuilder()
        .setSignalId(component + "@" + version + "/e" + episode + "/" + action)
        .setComponent(component)
        .setVersion(version)
        .setAction(action)
        .setPreviousAction(previous)
        .setEpisode(episode)
        .setReason(action + " because 41 of 63 devices failed")
        .setEvidence(
            SignalEvidence.newBuilder()
                .setCrashedDevices(41)
                .setSilentDevices(2)
                .setExposedDevices(63)
                .setCrashRate(43.0 / 63)
                .setBaselineRate(0.0002)
                .setBaseline("rest-of-fleet")
                .setSignificance(12.5)
                .setPValue(1.2e-12)
                .setTest("two-sample e-process")
                .setStatistic(9.4)
                .setThreshold(3.3)
                .setRateRatioLower(45.3)
                .setRateRatioUpper(362.0)
                .setTopBugcheck("0x50")
                .setTopModule("acmesensor.sys")
                .setModuleBelongsToComponent(true)
                .setRingsReached(List.of("canary"))
                .setFirstCrashTime(t(-5))
                .setDecisionTime(t(minute))
                .build())
        .build();
  }

  /** The alert that reports a rollback signal, with the signal's id. */
  static SpikeAlert alert(String component, String version, SignalAction severity, int minute) {
    return alert(
        component,
        version,
        severity,
        minute,
        component + "@" + version + "/e1/" + severity,
        component + "@" + version + ": " + severity + " summary");
  }

  /**
   * Built field by field, not with the builder: the builder fills fields that are not set with
   * their defaults, and a default enum (as fields added to SpikeAlert later may have) is refused by
   * Avro's class validator in tests that do not set it.
   */
  static SpikeAlert alert(
      String component,
      String version,
      SignalAction severity,
      int minute,
      String id,
      String summary) {
    SpikeAlert alert = new SpikeAlert();
    alert.put("alertId", id);
    alert.put("component", component);
    alert.put("version", version);
    alert.put("vendor", "acme");
    alert.put("severity", severity);
    alert.put("summary", summary);
    alert.put("crashedDevices", 41L);
    alert.put("exposedDevices", 63L);
    alert.put("crashRate", 0.5);
    alert.put("baselineRate", 0.0002);
    alert.put("time", t(minute));
    return alert;
  }

  static VersionHealth health(String component, String version, int minute, double rate) {
    return VersionHealth.newBuilder()
        .setComponent(component)
        .setVersion(version)
        .setVendor("acme")
        .setSnapshotTime(t(minute))
        .setExposedDevices(63)
        .setExposedByRing(Map.of("canary", 63L))
        .setCrashedDevices(41)
        .setCrashedByRing(Map.of("canary", 41L))
        .setCrashRate(rate)
        .setBaselineRate(0.0002)
        .build();
  }

  static DeadLetter deadLetter(String reason) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setSourceTopic("device-crashes")
        .setSourcePartition(0)
        .setSourceOffset(7)
        .setFailedAt(T0)
        .build();
  }
}
