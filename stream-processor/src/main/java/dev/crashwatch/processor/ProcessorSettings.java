package dev.crashwatch.processor;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    all.add(new Setting("num.stream.threads", "1", "Stream threads in this instance."));
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
            "device.last.seen.bucket",
            "PT5M",
            "Granularity of a device's last-seen time: a heartbeat writes state only when it crosses"
                + " a bucket."));
    all.add(
        new Setting(
            "stats.log.interval",
            "PT10M",
            "Stream-time interval between summary lines of the version figures."));
    all.addAll(Topics.SETTINGS);
    DECLARED = List.copyOf(all);
  }

  private final Settings settings;

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

  public int streamThreads() {
    return settings.getInt("num.stream.threads");
  }

  public Duration maxClockSkew() {
    return settings.getDuration("ingest.max.clock.skew");
  }

  public Duration maxTimeJump() {
    return settings.getDuration("ingest.max.time.jump");
  }

  public Duration lastSeenBucket() {
    return settings.getDuration("device.last.seen.bucket");
  }

  public Duration statsLogInterval() {
    return settings.getDuration("stats.log.interval");
  }
}
