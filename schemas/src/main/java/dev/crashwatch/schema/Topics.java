package dev.crashwatch.schema;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of every topic, in one place. Defaults are those of docs/architecture.md; each name is
 * overridable ({@code topic.boots=...} or {@code CRASHWATCH_TOPIC_BOOTS}). Keys are device ids on
 * the input topics and {@code component@version} on the outputs.
 *
 * @param boots {@code Boot} events, keyed by device id
 * @param crashes {@code Crash} events, keyed by device id
 * @param heartbeats {@code SensorHeartbeat} events, keyed by device id
 * @param rollbackSignals {@code RollbackSignal}s, compacted, keyed by component@version
 * @param spikeAlerts {@code SpikeAlert}s for SOC dashboards, keyed by component@version
 * @param vendorHealthPrefix prefix of the per-vendor {@code VendorHealth} feeds; the vendor name
 *     follows it, so an ACL on {@code vendor-health.<vendor>} isolates one vendor
 * @param deadLetters {@code DeadLetter} envelopes of records that could not be used
 * @param versionHealth {@code VersionHealth} snapshots, compacted, keyed by component@version
 * @param catalogue the operator's component catalogue: {@code CatalogueEntry}s, compacted, keyed by
 *     component id, written by the ops principal only
 */
public record Topics(
    String boots,
    String crashes,
    String heartbeats,
    String rollbackSignals,
    String spikeAlerts,
    String vendorHealthPrefix,
    String deadLetters,
    String versionHealth,
    String catalogue) {

  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("topic.boots", "device-boots", "Input topic of Boot events."),
          new Setting("topic.crashes", "device-crashes", "Input topic of Crash events."),
          new Setting(
              "topic.heartbeats", "sensor-heartbeats", "Input topic of SensorHeartbeat events."),
          new Setting(
              "topic.rollback.signals",
              "rollback-signals",
              "Compacted output topic of RollbackSignals."),
          new Setting(
              "topic.spike.alerts", "spike-alerts", "Output topic of SpikeAlerts for the SOC."),
          new Setting(
              "topic.vendor.health.prefix",
              "vendor-health.",
              "Prefix of the per-vendor VendorHealth feeds (prefix + vendor)."),
          new Setting(
              "topic.dead.letters",
              "telemetry-dead-letters",
              "Dead-letter topic of unusable records."),
          new Setting(
              "topic.version.health",
              "version-health",
              "Compacted output topic of per-version VersionHealth snapshots."),
          new Setting(
              "topic.catalogue",
              "component-catalogue",
              "Compacted topic of the operator's component catalogue (component id to vendor)."));

  /** The default names. */
  public static Topics defaults() {
    return from(Settings.defaults(SETTINGS));
  }

  public static Topics from(Settings settings) {
    return new Topics(
        settings.getString("topic.boots"),
        settings.getString("topic.crashes"),
        settings.getString("topic.heartbeats"),
        settings.getString("topic.rollback.signals"),
        settings.getString("topic.spike.alerts"),
        settings.getString("topic.vendor.health.prefix"),
        settings.getString("topic.dead.letters"),
        settings.getString("topic.version.health"),
        settings.getString("topic.catalogue"));
  }

  /**
   * Every topic setting with a name of {@code run}'s own: the default with {@code -run} appended
   * (before the dot of the vendor feeds' prefix). Runs that share one broker (tests, the failure
   * suite) set these, by key or by {@link Setting#envName()}, and never meet.
   */
  public static Map<Setting, String> ofRun(String run) {
    Map<Setting, String> names = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      String name = s.defaultValue();
      names.put(
          s,
          name.endsWith(".")
              ? name.substring(0, name.length() - 1) + "-" + run + "."
              : name + "-" + run);
    }
    return names;
  }

  /** The health feed of one vendor. */
  public String vendorHealth(String vendor) {
    return vendorHealthPrefix + vendor;
  }

  /** The three input topics, which must have the same partition count to co-partition by device. */
  public List<String> inputs() {
    return List.of(boots, crashes, heartbeats);
  }
}
