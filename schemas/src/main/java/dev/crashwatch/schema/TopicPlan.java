package dev.crashwatch.schema;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic the pipeline uses, with its partitions and configs: what {@code crashwatch topics}
 * creates on a cluster and what the embedded stack creates for the demo and the tests.
 *
 * <ul>
 *   <li>The three inputs share one partition count (they are co-partitioned by device id) and one
 *       retention ({@code topic.input.retention.ms}).
 *   <li>{@code rollback-signals}, {@code version-health}, {@code component-catalogue} and every
 *       {@code vendor-health.<vendor>} feed are compacted: each holds the latest record per key
 *       (component@version, or component id for the catalogue), so a consumer started late rebuilds
 *       the current view from the topic alone.
 *   <li>{@code spike-alerts} and the dead letters keep a time-based retention counted from when the
 *       record was written ({@code message.timestamp.type=LogAppendTime}): their records carry the
 *       event time of the telemetry behind them, which in a replay of old data is years ago, and a
 *       retention on that time would delete them at the first check.
 * </ul>
 *
 * Partition counts are a decision made at creation: more input partitions later would move devices
 * to other partitions than their state, so {@code crashwatch topics} reports a difference in
 * partitions and never changes it.
 */
public final class TopicPlan {

  /** Seven days: long enough to replay a week of telemetry into a fresh processor. */
  static final String INPUT_RETENTION_DEFAULT = "604800000";

  /** Thirty days: alerts are one record per state change, so a month of history is small. */
  static final String ALERT_RETENTION_DEFAULT = "2592000000";

  /** Fourteen days: time to look at a bad record and fix the emitter that wrote it. */
  static final String DEAD_LETTER_RETENTION_DEFAULT = "1209600000";

  public static final List<Setting> SETTINGS =
      List.of(
          new Setting(
              "topic.input.partitions",
              "6",
              "Partitions of each input topic (boots, crashes, heartbeats: one count for the three,"
                  + " so they co-partition); the most processor threads that can share the work."),
          new Setting(
              "topic.output.partitions",
              "1",
              "Partitions of each output topic (signals, alerts, health, catalogue, dead letters)."),
          new Setting(
              "topic.replication.factor",
              "",
              "Replicas of every topic; empty means the broker's default.replication.factor."),
          new Setting(
              "topic.input.retention.ms",
              INPUT_RETENTION_DEFAULT,
              "retention.ms of the input topics (-1: keep forever; needed to replay telemetry"
                  + " older than the retention, which the broker measures on record timestamps)."),
          new Setting(
              "topic.spike.alerts.retention.ms",
              ALERT_RETENTION_DEFAULT,
              "retention.ms of spike-alerts, counted from when each alert was written."),
          new Setting(
              "topic.dead.letters.retention.ms",
              DEAD_LETTER_RETENTION_DEFAULT,
              "retention.ms of the dead-letter topic, counted from when each letter was written."));

  private final Topics topics;
  private final int inputPartitions;
  private final int outputPartitions;
  private final Optional<Short> replicationFactor;
  private final long inputRetentionMs;
  private final long alertRetentionMs;
  private final long deadLetterRetentionMs;

  private TopicPlan(
      Topics topics,
      int inputPartitions,
      int outputPartitions,
      Optional<Short> replicationFactor,
      long inputRetentionMs,
      long alertRetentionMs,
      long deadLetterRetentionMs) {
    this.topics = topics;
    this.inputPartitions = inputPartitions;
    this.outputPartitions = outputPartitions;
    this.replicationFactor = replicationFactor;
    this.inputRetentionMs = inputRetentionMs;
    this.alertRetentionMs = alertRetentionMs;
    this.deadLetterRetentionMs = deadLetterRetentionMs;
  }

  /** The plan from settings declared with {@link Topics#SETTINGS} and {@link #SETTINGS}. */
  public static TopicPlan from(Settings settings) {
    return new TopicPlan(
        Topics.from(settings),
        positive(settings, "topic.input.partitions"),
        positive(settings, "topic.output.partitions"),
        settings
            .getOptional("topic.replication.factor")
            .map(v -> (short) positive(settings, "topic.replication.factor")),
        retention(settings, "topic.input.retention.ms"),
        retention(settings, "topic.spike.alerts.retention.ms"),
        retention(settings, "topic.dead.letters.retention.ms"));
  }

  /** The default plan for {@code topics}. */
  public static TopicPlan defaults(Topics topics) {
    List<Setting> all = new ArrayList<>(Topics.SETTINGS);
    all.addAll(SETTINGS);
    TopicPlan plan = from(Settings.defaults(all));
    return new TopicPlan(
        topics,
        plan.inputPartitions,
        plan.outputPartitions,
        plan.replicationFactor,
        plan.inputRetentionMs,
        plan.alertRetentionMs,
        plan.deadLetterRetentionMs);
  }

  /** This plan with another input partition count. */
  public TopicPlan withInputPartitions(int partitions) {
    return new TopicPlan(
        topics,
        partitions,
        outputPartitions,
        replicationFactor,
        inputRetentionMs,
        alertRetentionMs,
        deadLetterRetentionMs);
  }

  /** This plan with another input retention ({@code -1}: forever). */
  public TopicPlan withInputRetentionMs(long retentionMs) {
    return new TopicPlan(
        topics,
        inputPartitions,
        outputPartitions,
        replicationFactor,
        retentionMs,
        alertRetentionMs,
        deadLetterRetentionMs);
  }

  public Topics topics() {
    return topics;
  }

  /** Every topic of the pipeline except the per-vendor feeds, inputs first. */
  public List<TopicSpec> specs() {
    Map<String, String> input =
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG,
            String.valueOf(inputRetentionMs));
    List<TopicSpec> specs = new ArrayList<>();
    specs.add(spec(topics.boots(), inputPartitions, input, "Boot events, keyed by device id"));
    specs.add(spec(topics.crashes(), inputPartitions, input, "Crash events, keyed by device id"));
    specs.add(
        spec(
            topics.heartbeats(),
            inputPartitions,
            input,
            "SensorHeartbeat events, keyed by device id"));
    specs.add(
        spec(
            topics.rollbackSignals(),
            outputPartitions,
            compacted(),
            "RollbackSignals, latest per component@version"));
    specs.add(
        spec(
            topics.versionHealth(),
            outputPartitions,
            compacted(),
            "VersionHealth snapshots, latest per component@version"));
    specs.add(
        spec(
            topics.catalogue(),
            outputPartitions,
            compacted(),
            "CatalogueEntries (component id to vendor), written by ops"));
    specs.add(
        spec(
            topics.spikeAlerts(),
            outputPartitions,
            writtenTimeRetention(alertRetentionMs),
            "SpikeAlerts for the SOC, one per state change"));
    specs.add(
        spec(
            topics.deadLetters(),
            outputPartitions,
            writtenTimeRetention(deadLetterRetentionMs),
            "DeadLetter envelopes of records the processor could not use"));
    return List.copyOf(specs);
  }

  /** The health feed of one vendor: compacted, keyed by component@version. */
  public TopicSpec vendorFeed(String vendor) {
    return spec(
        topics.vendorHealth(vendor),
        outputPartitions,
        compacted(),
        "VendorHealth of " + vendor + "'s components, latest per component@version");
  }

  private TopicSpec spec(String name, int partitions, Map<String, String> configs, String purpose) {
    return new TopicSpec(name, partitions, replicationFactor, configs, purpose);
  }

  private static Map<String, String> compacted() {
    return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
  }

  private static Map<String, String> writtenTimeRetention(long retentionMs) {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMs));
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    return configs;
  }

  private static int positive(Settings settings, String key) {
    int value = settings.getInt(key);
    if (value < 1) {
      throw new ConfigException(
          key + ": expected at least 1, was " + value + " (from " + settings.originOf(key) + ")");
    }
    return value;
  }

  private static long retention(Settings settings, String key) {
    long value = settings.getLong(key);
    if (value < -1 || value == 0) {
      throw new ConfigException(
          key
              + ": expected milliseconds above 0, or -1 for forever, was "
              + value
              + " (from "
              + settings.originOf(key)
              + ")");
    }
    return value;
  }
}
