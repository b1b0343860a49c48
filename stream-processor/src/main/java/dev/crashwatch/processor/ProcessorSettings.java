package dev.crashwatch.processor;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.observability.MetricsServer;
import dev.crashwatch.processor.detect.DetectorThresholds;
import dev.crashwatch.processor.detect.FalseAlarmBudget;
import dev.crashwatch.processor.ingest.IngestLimits;
import dev.crashwatch.processor.metrics.ProcessorHealth;
import dev.crashwatch.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting the stream processor reads, with its default. Loaded by {@link Settings}: defaults
 * here, then a properties file, then {@code CRASHWATCH_*} environment variables.
 */
public final class ProcessorSettings {

  public static final List<Setting> DECLARED;

  static {
    List<Setting> all = new ArrayList<>();
    all.add(
        new Setting("bootstrap.servers", null, "Kafka bootstrap servers, host:port[,host:port]."));
    all.add(
        new Setting(
            "schema.registry.url",
            null,
            "Schema registry base URL (Confluent, or Apicurio's .../apis/ccompat/v7)."));
    all.add(
        new Setting(
            "application.id",
            "crashwatch-detector",
            "Kafka Streams application.id: names the consumer group, internal topics and state."));
    all.add(
        new Setting(
            "state.dir", "", "Directory of local state stores; empty means Kafka's default."));
    all.add(
        new Setting(
            "num.stream.threads",
            // One per core (a container's CPU limit, on JDK 17): measured by bench processor, a
            // second thread on this project's 2-core machine took 1.3 to 1.5 times the events/s.
            Integer.toString(Runtime.getRuntime().availableProcessors()),
            "Stream threads in this instance; by default one per processor core."));
    all.add(
        new Setting(
            "ingest.max.clock.skew",
            "PT5M",
            "How far ahead of the wall clock an event time may be before the event is"
                + " dead-lettered as FROM_THE_FUTURE."));
    all.add(
        new Setting(
            "ingest.max.time.jump",
            "PT1H",
            "How far ahead of the newest event time already read an event time may be before the"
                + " event is dead-lettered as FROM_THE_FUTURE (catches wrong clocks in replays,"
                + " where the wall clock is no guide)."));
    all.add(
        new Setting(
            "ingest.max.components.per.device",
            "64",
            "Components one device may run at once; a record that would take a device beyond it"
                + " is dead-lettered as TOO_MANY_COMPONENTS."));
    all.add(
        new Setting(
            "ingest.max.versions.per.component",
            "500",
            "Versions of one component in use at once (per input partition); a record with one"
                + " more is dead-lettered as TOO_MANY_VERSIONS."));
    all.add(
        new Setting(
            "ingest.max.components",
            "5000",
            "Distinct components in the fleet (per input partition); a record with one more is"
                + " dead-lettered as TOO_MANY_FLEET_COMPONENTS."));
    all.add(
        new Setting(
            "ingest.max.tenants",
            "10000",
            "Distinct tenants (per input partition); a record of one more is dead-lettered as"
                + " TOO_MANY_TENANTS."));
    all.add(
        new Setting(
            "ingest.version.retention",
            "P7D",
            "A version (or tenant) no device has reported for this long no longer counts against"
                + " ingest.max.versions.per.component, ingest.max.components and"
                + " ingest.max.tenants."));
    all.add(
        new Setting(
            "device.last.seen.bucket",
            // Three of the emitter's default heartbeats (PT5M): two heartbeats in three write
            // nothing. Equal to the heartbeat, every heartbeat crossed a bucket and wrote its
            // device's state and a changelog record (docs/benchmarks.md, 2026-12-06).
            "PT15M",
            "Granularity of a device's last-seen time: a heartbeat writes state only when it crosses"
                + " a bucket. A device not heard from for detector.window after its bucket ends"
                + " stops counting as exposed until it is heard again."));
    all.add(
        new Setting(
            "stats.log.interval",
            "PT10M",
            "Stream-time interval between summary lines of the version figures."));
    all.add(
        new Setting(
            "device.state.cache.entries",
            "10000",
            "Device states each device-state task holds deserialized in memory between commits"
                + " (admission and the device state read each record's device: decoded once); the"
                + " least recently used beyond this are written to the store and dropped."));
    all.add(
        new Setting(
            "rocksdb.memory.bytes",
            Long.toString(256L << 20),
            "Off-heap memory of all RocksDB state stores of this processor together (block cache,"
                + " index and filter blocks, memtables), whatever the partition count; 0 leaves"
                + " each store instance RocksDB's own caches (about 100 MiB each at most)."));
    all.add(
        new Setting(
            "stats.cache.entries",
            "20000",
            "Version and pair figures each version-stats task holds deserialized in memory (the"
                + " least recently used beyond this are written to the store and dropped); bounds"
                + " that memory, at most one object per key."));
    all.add(
        new Setting(
            "detector.window",
            "PT30M",
            "Detection window (event time): devices newly crashed on a version within it count"
                + " against the version."));
    all.add(
        new Setting(
            "detector.grace",
            "PT30M",
            "How long per-minute crash buckets are kept beyond the window, for late uploads: a late"
                + " crash counts while its crash time is inside the window at an evaluation."));
    all.add(
        new Setting(
            "detector.interval",
            "PT1M",
            "Stream time between evaluations of the detector (and between forwards of changed"
                + " version figures to it)."));
    all.add(
        new Setting(
            "detector.silence.after",
            "PT1H",
            "A device whose last event was a boot after a crash or a version update, and that is"
                + " not heard from for this long (about two heartbeat intervals), counts as silent"
                + " on its versions, like a crash, until it is heard again."));
    all.add(
        new Setting(
            "vendor.health.interval",
            "PT5M",
            "Stream time between VendorHealth snapshots on the vendor-health.<vendor> feeds."));
    all.add(
        new Setting(
            "detector.component.modules",
            "",
            "Fallback modules of components the catalogue lists without modules,"
                + " component=module[,component=module...], e.g. acme.sensor=acmesensor.sys. A"
                + " component in neither owns a module when the module's name contains its"
                + " catalogued vendor's."));
    DetectorThresholds d = DetectorThresholds.DEFAULTS;
    all.add(
        new Setting(
            "detector.false.alarm.budget",
            str(d.falseAlarmBudget()),
            "The chance of a false HALT over a benign version's life, however often it is looked"
                + " at (1e-3: at most 1 false HALT in 1,000 benign rollouts); ROLLBACK gets a tenth"
                + " of it, WATCH ten times it (see docs/architecture.md for the sharing rule)."));
    all.add(
        new Setting(
            "detector.watch.max.p",
            str(d.watchMaxPValue()),
            "Blame's fixed-window test (a version explained away by another) passes WATCH when p"
                + " is below this."));
    all.add(
        new Setting(
            "detector.watch.min.devices",
            str(d.watchMinDevices()),
            "WATCH needs at least this many distinct failing devices."));
    all.add(
        new Setting(
            "detector.halt.max.p",
            str(d.haltMaxPValue()),
            "Blame's fixed-window test passes HALT when p is below this."));
    all.add(
        new Setting(
            "detector.halt.min.devices",
            str(d.haltMinDevices()),
            "HALT needs at least this many distinct failing devices."));
    all.add(
        new Setting(
            "detector.rollback.max.p",
            str(d.rollbackMaxPValue()),
            "Blame's fixed-window test passes ROLLBACK when p is below this."));
    all.add(
        new Setting(
            "detector.rollback.min.devices",
            str(d.rollbackMinDevices()),
            "ROLLBACK needs at least this many distinct failing devices."));
    all.add(
        new Setting(
            "detector.min.rate.ratio",
            str(d.minRateRatio()),
            "Every level needs the rate to be at least this multiple of the baseline rate."));
    all.add(
        new Setting(
            "detector.baseline.rate.floor",
            str(d.baselineRateFloor()),
            "Lowest baseline failure rate per device over the window."));
    all.add(
        new Setting(
            "detector.escalate.after",
            str(d.escalateAfter()),
            "Consecutive evaluations at a higher level before escalating."));
    all.add(
        new Setting(
            "detector.resolve.after",
            str(d.resolveAfter()),
            "Consecutive evaluations failing even WATCH before RESOLVED."));
    all.addAll(Topics.SETTINGS);
    all.addAll(dev.crashwatch.config.RegistrySettings.SETTINGS);
    all.add(MetricsServer.PORT_SETTING);
    all.add(ProcessorHealth.MAX_LAG_SETTING);
    DECLARED = List.copyOf(all);
  }

  private final Settings settings;

  private static String str(Object value) {
    return String.valueOf(value);
  }

  public ProcessorSettings(Settings settings) {
    this.settings = settings;
  }

  /** Defaults, then {@code file} if given, then the environment. */
  public static ProcessorSettings load(Optional<Path> file, Map<String, String> env) {
    return new ProcessorSettings(Settings.load(DECLARED, file, env));
  }

  public Settings raw() {
    return settings;
  }

  public Topics topics() {
    return Topics.from(settings);
  }

  public String bootstrapServers() {
    return settings.getString("bootstrap.servers");
  }

  public String schemaRegistryUrl() {
    return settings.getString("schema.registry.url");
  }

  public String applicationId() {
    return settings.getString("application.id");
  }

  public Optional<String> stateDir() {
    return settings.getOptional("state.dir");
  }

  /** {@code num.stream.threads}; below 1 stops the processor with a message naming the key. */
  public int streamThreads() {
    return atLeastOne("num.stream.threads");
  }

  public Duration maxClockSkew() {
    return settings.getDuration("ingest.max.clock.skew");
  }

  public Duration maxTimeJump() {
    return settings.getDuration("ingest.max.time.jump");
  }

  /** The ingest bounds; a bound below 1 stops the processor with a message naming its key. */
  public IngestLimits ingestLimits() {
    return new IngestLimits(
        settings.getInt("ingest.max.components.per.device"),
        settings.getInt("ingest.max.versions.per.component"),
        settings.getInt("ingest.max.components"),
        settings.getInt("ingest.max.tenants"),
        settings.getDuration("ingest.version.retention"));
  }

  public Duration lastSeenBucket() {
    return settings.getDuration("device.last.seen.bucket");
  }

  public Duration statsLogInterval() {
    return settings.getDuration("stats.log.interval");
  }

  /** {@code stats.cache.entries}; below 1 stops the processor with a message naming the key. */
  public int statsCacheEntries() {
    return atLeastOne("stats.cache.entries");
  }

  /**
   * {@code device.state.cache.entries}; below 1 stops the processor with a message naming the key.
   */
  public int deviceStateCacheEntries() {
    return atLeastOne("device.state.cache.entries");
  }

  /** {@code rocksdb.memory.bytes}; 0 means no bound, below 0 stops with a message naming it. */
  public long rocksDbMemoryBytes() {
    long value = settings.getLong("rocksdb.memory.bytes");
    if (value < 0) {
      throw new IllegalArgumentException("rocksdb.memory.bytes must be 0 or more, got " + value);
    }
    return value;
  }

  private int atLeastOne(String key) {
    int value = settings.getInt(key);
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  public Duration detectorWindow() {
    return settings.getDuration("detector.window");
  }

  public Duration detectorGrace() {
    return settings.getDuration("detector.grace");
  }

  public Duration detectorInterval() {
    return settings.getDuration("detector.interval");
  }

  public Duration silenceAfter() {
    return settings.getDuration("detector.silence.after");
  }

  public Duration vendorHealthInterval() {
    return settings.getDuration("vendor.health.interval");
  }

  /** {@code detector.component.modules}: component → its module names. */
  public Map<String, List<String>> componentModules() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String raw = settings.getOptional("detector.component.modules").orElse("");
    for (String entry : raw.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "detector.component.modules: expected component=module, got " + entry.trim());
      }
      out.computeIfAbsent(entry.substring(0, eq).trim(), c -> new ArrayList<>())
          .add(entry.substring(eq + 1).trim());
    }
    return out;
  }

  public DetectorThresholds detectorThresholds() {
    double budget = settings.getDouble("detector.false.alarm.budget");
    try {
      new FalseAlarmBudget(budget);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("detector.false.alarm.budget: " + e.getMessage(), e);
    }
    return new DetectorThresholds(
        budget,
        settings.getDouble("detector.watch.max.p"),
        settings.getInt("detector.watch.min.devices"),
        settings.getDouble("detector.halt.max.p"),
        settings.getInt("detector.halt.min.devices"),
        settings.getDouble("detector.rollback.max.p"),
        settings.getInt("detector.rollback.min.devices"),
        settings.getDouble("detector.min.rate.ratio"),
        settings.getDouble("detector.baseline.rate.floor"),
        settings.getInt("detector.escalate.after"),
        settings.getInt("detector.resolve.after"));
  }
}
