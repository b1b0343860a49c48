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
import dev.crashwatch.processor.ingest.TelemetryAdmission;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.KnownVersions;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Device input is data, never control: forged identifiers and claims beyond the bounds are
 * dead-lettered with their reason, nothing of them reaches a store, and processing goes on.
 */
class ForgedInputTopologyTest {

  private static final Map<String, String> ON_290 =
      versions("acme.sensor", "7.11.18110", "acme.sensor-content", "290", "windows", "22631.3880");

  private TopologyFixture fx;
  private KeyValueStore<String, DeviceState> devices;
  private KeyValueStore<StatsKey, VersionStats> stats;
  private KeyValueStore<String, KnownVersions> fleetVersions;

  @BeforeEach
  void start() throws Exception {
    fx =
        new TopologyFixture(
            Map.of(
                "ingest.max.components.per.device", "5",
                "ingest.max.versions.per.component", "4",
                "ingest.max.components", "8",
                "ingest.max.tenants", "2",
                "ingest.version.retention", "PT2H"));
    devices = fx.driver.getKeyValueStore(DeviceStateProcessor.STORE);
    stats = fx.driver.getKeyValueStore(VersionStatsProcessor.STORE);
    fleetVersions = fx.driver.getKeyValueStore(TelemetryAdmission.STORE);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private static Map<String, String> with(String component, String version) {
    Map<String, String> v = new LinkedHashMap<>(ON_290);
    v.put(component, version);
    return v;
  }

  @Test
  void forgedIdentifiersAreDeadLetteredAndTheValidRecordAfterThemCounts() {
    List<Map<String, String>> forged =
        List.of(
            with("tick#1", "1@1"),
            with("a|b", "1"),
            with("acme.sensor@7", "1"),
            with("acme.sensor-content", "291|x"),
            with("acme\u0000sensor", "1"),
            with("x".repeat(10_000), "1"),
            with("acme.sensor-content", "9".repeat(10_000)));
    for (int i = 0; i < forged.size(); i++) {
      fx.pipe(boot("forger-" + i, "canary", t(1), forged.get(i)));
    }
    fx.pipe(heartbeat("d1", "canary", t(2), ON_290));

    List<DeadLetter> letters = fx.deadLetters.readValuesToList();
    assertThat(letters).hasSize(forged.size());
    assertThat(letters).extracting(DeadLetter::getReason).containsOnly("INVALID_FIELD");
    assertThat(letters.get(0).getDetail()).contains("'tick#1'").contains("characters outside");
    assertThat(letters.get(4).getDetail()).contains("\\u0000");
    assertThat(letters.get(5).getDetail()).contains("10000 characters").hasSizeLessThan(300);
    for (int i = 0; i < forged.size(); i++) {
      assertThat(devices.get("forger-" + i)).isNull();
    }
    assertThat(devices.get("d1")).isNotNull();
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "290")).getExposedByRing())
        .containsEntry("canary", 1L);
  }

  @Test
  void aComponentNamedTickIsAnOrdinaryComponent() {
    fx.pipe(boot("d1", "canary", t(1), with("tick", "1")));
    fx.pipe(heartbeat("d1", "canary", t(2), with("tick", "1")));
    assertThat(fx.deadLetters.isEmpty()).isTrue();
    assertThat(stats.get(VersionKey.of("tick", "1")).getExposedByRing())
        .containsEntry("canary", 1L);
  }

  @Test
  void aDeviceClaimingTooManyComponentsIsDeadLetteredRecordByRecord() {
    Map<String, String> six = new LinkedHashMap<>(ON_290);
    six.put("c4", "1");
    six.put("c5", "1");
    six.put("c6", "1");
    fx.pipe(boot("d1", "canary", t(1), six));
    // within the bound in one record, beyond it with what the device already runs
    fx.pipe(boot("d2", "canary", t(1), versions("a", "1", "b", "1", "c", "1")));
    fx.pipe(heartbeat("d2", "canary", t(2), versions("e", "1", "f", "1", "g", "1")));

    assertThat(fx.deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason)
        .containsExactly("TOO_MANY_COMPONENTS", "TOO_MANY_COMPONENTS");
    assertThat(devices.get("d1")).isNull();
    assertThat(devices.get("d2").getVersions()).containsOnlyKeys("a", "b", "c");
    assertThat(stats.get(VersionKey.of("e", "1"))).isNull();
  }

  @Test
  void versionsAndComponentsBeyondTheFleetBoundsAreDeadLettered() {
    for (int v = 0; v < 6; v++) {
      fx.pipe(
          crash(
              "d" + v,
              t(1),
              CrashKind.KERNEL_BUGCHECK,
              "0x50",
              "acmesensor.sys",
              with("acme.sensor-content", "30" + v)));
    }
    // ON_290 holds 3 components and "acme.sensor-content" has 4 versions now; 5 new components
    // more fill the fleet bound of 8, the one after is refused
    for (int c = 0; c < 6; c++) {
      fx.pipe(heartbeat("n" + c, "canary", t(2), versions("new" + c, "1")));
    }

    assertThat(fx.deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason)
        .containsExactly("TOO_MANY_VERSIONS", "TOO_MANY_VERSIONS", "TOO_MANY_FLEET_COMPONENTS");
    assertThat(fleetVersions.get("acme.sensor-content").getLastSeen())
        .containsOnlyKeys("300", "301", "302", "303");
    assertThat(stats.get(VersionKey.of("acme.sensor-content", "304"))).isNull();
    assertThat(stats.get(VersionKey.of("new5", "1"))).isNull();
    assertThat(devices.get("n4")).isNotNull();
  }

  @Test
  void tenantsBeyondTheBoundAreDeadLettered() {
    for (int i = 0; i < 3; i++) {
      Boot b = boot("d" + i, "canary", t(1), ON_290);
      b.setTenantId("tenant-" + i);
      fx.pipe(b);
    }
    fx.pipe(boot("d9", "canary", t(2), ON_290)); // tenant-1, known

    assertThat(fx.deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason)
        .containsExactly("TOO_MANY_TENANTS");
    assertThat(devices.get("d2")).isNull();
    assertThat(devices.get("d9")).isNotNull();
  }

  @Test
  void aVersionNotReportedForTheRetentionMakesRoom() {
    for (int v = 0; v < 4; v++) {
      fx.pipe(boot("d" + v, "canary", t(1), with("acme.sensor-content", "30" + v)));
    }
    // only 300 is reported for more than the retention (PT2H); then a fifth version is admitted
    for (int m = 50; m <= 200; m += 50) {
      fx.pipe(heartbeat("d0", "canary", t(m), with("acme.sensor-content", "300")));
    }
    fx.pipe(boot("d9", "canary", t(201), with("acme.sensor-content", "309")));

    assertThat(fx.deadLetters.isEmpty()).isTrue();
    assertThat(fleetVersions.get("acme.sensor-content").getLastSeen())
        .containsOnlyKeys("300", "309");
  }
}
