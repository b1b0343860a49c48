package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which vendor owns a component is the operator's catalogue's word: vendor feeds carry only
 * catalogued components, whatever a heartbeat claims, and only to feeds that exist.
 */
class CatalogueTopologyTest {

  private static final Map<String, String> FLEET =
      versions("acme.sensor-content", "290", "rogue.driver", "1", "windows", "22631.3880");

  private TopologyFixture fx;

  @AfterEach
  void stop() {
    fx.close();
  }

  /** Ten devices boot, one heartbeat claims vendor "evil" for acme's content; quiet to t(11). */
  private void run() {
    for (int i = 0; i < 10; i++) {
      fx.pipe(boot("d" + i, "canary", t(0), FLEET));
    }
    SensorHeartbeat forged = heartbeat("d0", "canary", t(1), FLEET);
    forged.setVendor("evil");
    fx.pipe(forged);
    for (int m = 2; m <= 11; m++) {
      fx.pipe(heartbeat("d9", "canary", t(m), FLEET));
    }
  }

  @Test
  void feedsCarryOnlyCataloguedComponentsToTheCataloguedVendor() throws Exception {
    fx = new TopologyFixture();
    run();

    assertThat(fx.acmeHealth.readValuesToList())
        .isNotEmpty()
        .extracting(VendorHealth::getComponent)
        .containsOnly("acme.sensor-content");
    assertThat(fx.driver.producedTopicNames())
        .contains(fx.topics.vendorHealth("acme"), fx.topics.vendorHealth("microsoft"))
        .doesNotContain(fx.topics.vendorHealth("evil"));
    Map<String, VersionHealth> latest = latest();
    assertThat(latest.get("rogue.driver@1").getVendor()).isNull();
    assertThat(latest.get("rogue.driver@1").getExposedDevices()).isEqualTo(10);
    assertThat(latest.get("acme.sensor-content@290").getVendor()).isEqualTo("acme");
  }

  @Test
  void aComponentRemovedFromTheCatalogueIsPublishedNoMore() throws Exception {
    fx = new TopologyFixture();
    fx.catalogue.pipeInput("acme.sensor-content", null, t(0));
    run();

    assertThat(fx.acmeHealth.isEmpty()).isTrue();
    assertThat(latest().get("acme.sensor-content@290").getVendor()).isNull();
  }

  @Test
  void aVendorWithoutAFeedTopicIsSkippedAndTheOthersGoOn() throws Exception {
    fx = new TopologyFixture(Map.of(), topic -> !topic.endsWith(".acme"));
    run();

    assertThat(fx.driver.producedTopicNames())
        .contains(fx.topics.vendorHealth("microsoft"))
        .doesNotContain(fx.topics.vendorHealth("acme"));
    assertThat(latest()).containsKey("acme.sensor-content@290");
  }

  private Map<String, VersionHealth> latest() {
    Map<String, VersionHealth> latest = new HashMap<>();
    for (KeyValue<String, VersionHealth> kv : fx.versionHealth.readKeyValuesToList()) {
      latest.put(kv.key, kv.value);
    }
    return latest;
  }
}
