package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.AlertKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sensor health is security evidence: tampered or degraded sensors are counted per version in the
 * feeds and snapshots, and a sharp rise on a version or within a tenant raises one SOC alert of its
 * own kind on spike-alerts, and no rollback signal.
 */
class SensorHealthAlertTopologyTest {

  private static final int DEVICES = 400;
  private static final int TENANTS = 4;

  private TopologyFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new TopologyFixture();
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private static Map<String, String> on(String content) {
    return versions(
        "acme.sensor", "7.11.18110", "acme.sensor-content", content, "windows", "22631.3880");
  }

  /** Half the fleet on each content version, in every tenant alike. */
  private static String content(int i) {
    return (i / TENANTS) % 2 == 0 ? "290" : "291";
  }

  private void beat(int i, double minute, SensorHealth health) {
    SensorHeartbeat beat = heartbeat("d" + i, "broad", t(minute), on(content(i)));
    beat.setTenantId("tenant-" + (i % TENANTS));
    beat.setHealth(health);
    fx.pipe(beat);
  }

  /** Every device heartbeats OK, then those {@code tampered} selects report TAMPERED; to t(12). */
  private void fleetWith(IntPredicate tampered) {
    for (int i = 0; i < DEVICES; i++) {
      beat(i, i * 0.001, SensorHealth.OK);
    }
    int n = 0;
    for (int i = 0; i < DEVICES; i++) {
      if (tampered.test(i)) {
        beat(i, 5 + (n++) * 0.001, SensorHealth.TAMPERED);
      }
    }
    for (int m = 6; m <= 12; m++) {
      beat(DEVICES - 1, m, SensorHealth.OK);
    }
  }

  @Test
  void tamperingWithinOneTenantRaisesOneTenantAlert() {
    // 30 devices of tenant-2, on both content versions alike
    fleetWith(i -> i % TENANTS == 2 && i < 30 * TENANTS);

    List<SpikeAlert> alerts = fx.alerts.readValuesToList();
    assertThat(alerts).hasSize(1);
    SpikeAlert alert = alerts.get(0);
    assertThat(alert.getKind()).isEqualTo(AlertKind.SENSOR_TAMPERING);
    assertThat(alert.getTenant()).isEqualTo("tenant-2");
    assertThat(alert.getAffectedDevices()).isEqualTo(30);
    assertThat(alert.getExposedDevices()).isEqualTo(DEVICES / TENANTS);
    assertThat(alert.getCrashedDevices()).isZero();
    assertThat(alert.getSummary()).contains("TAMPERED");
    assertThat(fx.signals.isEmpty()).as("no rollback signal for tampering").isTrue();

    // the feeds and snapshots count them per version: 15 on each content version
    Map<String, VersionHealth> latest = new HashMap<>();
    for (KeyValue<String, VersionHealth> kv : fx.versionHealth.readKeyValuesToList()) {
      latest.put(kv.key, kv.value);
    }
    assertThat(latest.get("acme.sensor-content@291").getTamperedDevices()).isEqualTo(15);
    assertThat(latest.get("acme.sensor-content@290").getTamperedDevices()).isEqualTo(15);
    assertThat(latest.get("acme.sensor-content@290").getDegradedDevices()).isZero();
    assertThat(fx.acmeHealth.readValuesToList())
        .filteredOn(h -> h.getComponent().equals("acme.sensor-content"))
        .extracting(VendorHealth::getTamperedDevices)
        .contains(15L);
  }

  @Test
  void tamperingOnOneVersionRaisesOneVersionAlertAndHealingRearmsIt() {
    // 40 devices on content 291, spread over every tenant
    fleetWith(i -> content(i).equals("291") && i < 80);

    List<SpikeAlert> alerts = fx.alerts.readValuesToList();
    assertThat(alerts)
        .extracting(SpikeAlert::getKind, SpikeAlert::getComponent, SpikeAlert::getVersion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AlertKind.SENSOR_TAMPERING, "acme.sensor-content", "291"));
    assertThat(alerts.get(0).getVendor()).isEqualTo("acme");
    assertThat(alerts.get(0).getTenant()).isNull();

    // the sensors report OK again: nothing more; a second wave alerts again
    for (int i = 0; i < 80; i++) {
      if (content(i).equals("291")) {
        beat(i, 13 + i * 0.001, SensorHealth.OK);
      }
    }
    beat(DEVICES - 1, 14, SensorHealth.OK);
    assertThat(fx.alerts.isEmpty()).isTrue();
    for (int i = 0; i < 80; i++) {
      if (content(i).equals("291")) {
        beat(i, 15 + i * 0.001, SensorHealth.TAMPERED);
      }
    }
    beat(DEVICES - 1, 16, SensorHealth.OK);
    assertThat(fx.alerts.readValuesToList())
        .extracting(SpikeAlert::getKind)
        .containsExactly(AlertKind.SENSOR_TAMPERING);
  }
}
