package dev.crashwatch.processor.detect;

import java.util.Map;
import java.util.TreeMap;

/**
 * Is the share of devices reporting a tampered (or degraded) sensor in one group sharply above the
 * rest? The same exact binomial test and gates as crash detection ({@link SpikeTest}): each group
 * (a version among the versions of its component, or a tenant among all tenants) against the sum of
 * the others, over the devices running it now. Reaching HALT raises a SOC alert.
 */
public final class SensorHealthTest {

  private final SpikeTest spikeTest;

  public SensorHealthTest(SpikeTest spikeTest) {
    this.spikeTest = spikeTest;
  }

  /**
   * Each group's result against the rest of {@code groups}; a group without any other devices to
   * compare with is left out (nothing can stand out from nothing).
   */
  public Map<String, TestResult> test(Map<String, SensorCounts> groups, SensorAlertKind kind) {
    SensorCounts all = groups.values().stream().reduce(SensorCounts.NONE, SensorCounts::plus);
    Map<String, TestResult> out = new TreeMap<>();
    groups.forEach(
        (name, g) -> {
          long restDevices = all.devices() - g.devices();
          if (g.devices() == 0 || restDevices <= 0) {
            return;
          }
          long k = Math.min(g.reporting(kind), g.devices());
          long restK = Math.max(0, Math.min(all.reporting(kind) - g.reporting(kind), restDevices));
          out.put(
              name,
              spikeTest.test(
                  VersionFigures.of(name, kind.name(), g.devices(), k, 0),
                  new Baseline(Baseline.REST_OF_FLEET, restK, 0, restDevices)));
        });
    return out;
  }
}
