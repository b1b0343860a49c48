package dev.crashwatch.dashboard;

import dev.crashwatch.events.VersionHealth;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@code VersionHealth} snapshot as the page draws it: a point of the chart, and the latest one
 * fills the ring table. Times are epoch milliseconds.
 */
public record HealthSnapshot(
    String key,
    String vendor,
    long time,
    long exposedDevices,
    Map<String, Long> exposedByRing,
    long crashedDevices,
    Map<String, Long> crashedByRing,
    long silentDevices,
    long degradedDevices,
    long tamperedDevices,
    double crashRate,
    double baselineRate,
    String baseline,
    double rateRatio,
    double statistic,
    double threshold,
    String state) {

  public static HealthSnapshot of(VersionHealth h) {
    return new HealthSnapshot(
        VersionKey.of(h.getComponent(), h.getVersion()),
        h.getVendor(),
        h.getSnapshotTime().toEpochMilli(),
        h.getExposedDevices(),
        new TreeMap<>(h.getExposedByRing()),
        h.getCrashedDevices(),
        new TreeMap<>(h.getCrashedByRing()),
        h.getSilentDevices(),
        h.getDegradedDevices(),
        h.getTamperedDevices(),
        h.getCrashRate(),
        h.getBaselineRate(),
        h.getBaseline(),
        h.getRateRatio(),
        h.getStatistic(),
        h.getThreshold(),
        h.getState() == null ? null : h.getState().name());
  }
}
