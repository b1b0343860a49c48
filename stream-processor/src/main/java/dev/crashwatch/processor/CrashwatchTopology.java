package dev.crashwatch.processor;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.processor.catalogue.ComponentCatalogue;
import dev.crashwatch.processor.ingest.Decoded;
import dev.crashwatch.processor.ingest.DeviceInput;
import dev.crashwatch.processor.ingest.TelemetryAdmission;
import dev.crashwatch.processor.ingest.TelemetryDecoder;
import dev.crashwatch.processor.ingest.TelemetryTimestampExtractor;
import dev.crashwatch.processor.signal.DetectorProcessor;
import dev.crashwatch.processor.signal.VendorFeeds;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.EvaluationSchedule;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.KnownVersions;
import dev.crashwatch.processor.state.SequentialEvidenceRecord;
import dev.crashwatch.processor.state.SignalStateRecord;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionDelta;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import dev.crashwatch.processor.state.WriteBackStoreBuilder;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The detection topology, as a pure function of settings and serdes: production and the
 * TopologyTestDriver tests build the very same {@link Topology}.
 *
 * <pre>
 *  device-boots ──┐ decode ─┐
 *  device-crashes ┼ decode ─┼─▶ dead letters ─▶ telemetry-dead-letters
 *  heartbeats ────┘ decode ─┘
 *                           └─▶ events ─▶ device-state, silence-watch (per device, RocksDB)
 *                                          │ deltas, only on change, typed keys (StatsKey):
 *                                          │ versions, pairs, silent devices, vendors,
 *                                          │   ticks (to every partition)
 *                                          ▼ repartition "version-deltas"
 *                                        version-stats (per version and pair) ─▶ summary lines
 *                                          │ changed figures once per detector.interval, ticks
 *                                          ▼ repartition "detector-input" (one partition)
 *                                        detector (detector-figures, signal-states,
 *                                        sequential-evidence, detector-schedule)
 *                                          ├─▶ rollback-signals   (one per state change)
 *                                          ├─▶ spike-alerts       (one per state change)
 *                                          ├─▶ version-health     (per version, once a minute)
 *                                          └─▶ vendor-health.&lt;vendor&gt; (periodic snapshots)
 *  component-catalogue (global store: vendor and modules of each component) ─▶ detector
 * </pre>
 *
 * Every source, processor, store and internal topic is named, and {@code
 * CrashwatchTopologyDescribeTest} pins the names, so changelog and repartition topics do not move
 * when the topology changes.
 */
public final class CrashwatchTopology {

  public static final String VERSION_DELTAS = "version-deltas";
  public static final String DETECTOR_INPUT = "detector-input";

  private CrashwatchTopology() {}

  public static Topology build(ProcessorSettings settings, EventSerdes serdes, Clock clock) {
    return build(settings, serdes, clock, VendorFeeds.EVERY);
  }

  /**
   * The topology; {@code vendorFeeds} says which vendor health feeds exist: the processor writes
   * only to those (ops create them), and never creates a topic.
   */
  public static Topology build(
      ProcessorSettings settings, EventSerdes serdes, Clock clock, VendorFeeds vendorFeeds) {
    Topics topics = settings.topics();
    StreamsBuilder builder = new StreamsBuilder();
    // The operator's catalogue, whole on every instance: the detector asks it who owns a component.
    builder.globalTable(
        topics.catalogue(),
        Consumed.with(Serdes.String(), serdes.value(CatalogueEntry.class))
            .withName("catalogue-source"),
        Materialized.<String, CatalogueEntry, KeyValueStore<Bytes, byte[]>>as(
                ComponentCatalogue.STORE)
            .withKeySerde(Serdes.String())
            .withValueSerde(serdes.value(CatalogueEntry.class)));
    // Internal keys are typed (StatsKey): no device string can pass for a tick or a pair.
    InternalAvroSerde<StatsKey> statsKeys = new InternalAvroSerde<>(StatsKey.class);
    builder.addStateStore(
        new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(DeviceStateProcessor.STORE),
                    Serdes.String(),
                    new InternalAvroSerde<>(DeviceState.class)),
                settings.deviceStateCacheEntries())
            // A million device keys rarely hit the record cache; it costs more than it saves
            // (measured: see docs/architecture.md, "Cost model"), and state is written only on
            // change anyway. The write-back layer's objects do pay: admission and the device
            // state read each record's device one after the other, and it is decoded once.
            .withCachingDisabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TelemetryAdmission.STORE),
                Serdes.String(),
                new InternalAvroSerde<>(KnownVersions.class))
            // read on every record: the processor keeps its own copy in memory
            .withCachingDisabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TelemetryAdmission.TENANTS_STORE),
                Serdes.String(),
                Serdes.Long())
            .withCachingDisabled());
    // An index of the device states, rebuilt from them when a task starts: no changelog (see
    // DeviceStateProcessor#rebuildWatchList).
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.SILENCE_STORE),
                Serdes.Bytes(),
                Serdes.String())
            .withCachingDisabled()
            .withLoggingDisabled());
    // Updated once per delta: deserialized objects in front of the store, written once per commit
    // (WriteBackKeyValueStore); the record cache would only add a copy of the bytes.
    builder.addStateStore(
        new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(VersionStatsProcessor.STORE),
                    statsKeys,
                    new InternalAvroSerde<>(VersionStats.class)),
                settings.statsCacheEntries())
            .withCachingDisabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DetectorProcessor.FIGURES_STORE),
            statsKeys,
            // the figures as VersionStatsProcessor encoded them: stored without decoding
            Serdes.ByteArray()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DetectorProcessor.STATES_STORE),
            statsKeys,
            new InternalAvroSerde<>(SignalStateRecord.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DetectorProcessor.EVIDENCE_STORE),
            statsKeys,
            new InternalAvroSerde<>(SequentialEvidenceRecord.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EvaluationSchedule.STORE),
            Serdes.String(),
            Serdes.Long()));

    TelemetryTimestampExtractor timestamps =
        new TelemetryTimestampExtractor(settings.maxClockSkew(), settings.maxTimeJump(), clock);

    KStream<String, Decoded> boots =
        decode(
            builder,
            "boots",
            topics.boots(),
            timestamps,
            settings,
            clock,
            serdes,
            Boot.class,
            Boot::getDeviceId,
            Boot::getBootTime);
    KStream<String, Decoded> crashes =
        decode(
            builder,
            "crashes",
            topics.crashes(),
            timestamps,
            settings,
            clock,
            serdes,
            Crash.class,
            Crash::getDeviceId,
            // A crash report's record time is when it arrived (uploaded), not when the machine
            // crashed: stream time must mean "what had arrived by then", or a replay that reads
            // ahead would count late reports earlier than a live run could. The crash time
            // still places the crash in its window (DeviceStateProcessor).
            Crash::getUploadTime);
    KStream<String, Decoded> heartbeats =
        decode(
            builder,
            "heartbeats",
            topics.heartbeats(),
            timestamps,
            settings,
            clock,
            serdes,
            SensorHeartbeat.class,
            SensorHeartbeat::getDeviceId,
            SensorHeartbeat::getTime);

    Map<String, KStream<String, Decoded>> branches =
        boots
            .merge(crashes, Named.as("merge-boots-crashes"))
            .merge(heartbeats, Named.as("merge-telemetry"))
            .process(
                () ->
                    new TelemetryAdmission(
                        settings.ingestLimits(),
                        DeviceStateProcessor.STORE,
                        clock,
                        settings.applicationId()),
                Named.as("admit-telemetry"),
                DeviceStateProcessor.STORE,
                TelemetryAdmission.STORE,
                TelemetryAdmission.TENANTS_STORE)
            .split(Named.as("telemetry-"))
            .branch((device, decoded) -> decoded.isDeadLetter(), Branched.as("dead"))
            .defaultBranch(Branched.as("valid"));

    branches
        .get("telemetry-dead")
        .map(
            (device, decoded) ->
                KeyValue.pair(bytes(decoded.deadLetter().getKey()), decoded.deadLetter()),
            Named.as("dead-letter-envelope"))
        .to(
            topics.deadLetters(),
            Produced.with(Serdes.ByteArray(), serdes.value(DeadLetter.class))
                .withName("dead-letters-sink"));

    KStream<String, SpecificRecord> detected =
        branches
            .get("telemetry-valid")
            .mapValues((Decoded d) -> d.event(), Named.as("telemetry-event"))
            .process(
                () ->
                    new DeviceStateProcessor(
                        settings.lastSeenBucket(),
                        settings.detectorInterval(),
                        settings.silenceAfter(),
                        settings.detectorWindow()),
                Named.as("device-state-processor"),
                DeviceStateProcessor.STORE,
                DeviceStateProcessor.SILENCE_STORE)
            .repartition(
                Repartitioned.<StatsKey, VersionDelta>as(VERSION_DELTAS)
                    .withKeySerde(statsKeys)
                    .withValueSerde(new InternalAvroSerde<>(VersionDelta.class))
                    .withStreamPartitioner(new TicksToEveryPartition<>()))
            .process(
                () ->
                    new VersionStatsProcessor(
                        settings.statsLogInterval(),
                        settings.detectorInterval(),
                        settings.detectorWindow(),
                        settings.detectorGrace()),
                Named.as("version-stats-processor"),
                VersionStatsProcessor.STORE)
            .repartition(
                Repartitioned.<StatsKey, byte[]>as(DETECTOR_INPUT)
                    .withKeySerde(statsKeys)
                    // VersionStats in the internal serde, encoded by VersionStatsProcessor
                    .withValueSerde(Serdes.ByteArray())
                    .withNumberOfPartitions(1))
            .process(
                () -> DetectorProcessor.of(settings, vendorFeeds, topics::vendorHealth),
                Named.as("detector-processor"),
                DetectorProcessor.FIGURES_STORE,
                DetectorProcessor.STATES_STORE,
                DetectorProcessor.EVIDENCE_STORE,
                EvaluationSchedule.STORE);

    detected
        .split(Named.as("detector-"))
        .branch(
            (key, value) -> value instanceof RollbackSignal,
            toTopic(
                RollbackSignal.class,
                topics.rollbackSignals(),
                "as-rollback-signal",
                "rollback-signals-sink",
                "signals",
                serdes))
        .branch(
            (key, value) -> value instanceof SpikeAlert,
            toTopic(
                SpikeAlert.class,
                topics.spikeAlerts(),
                "as-spike-alert",
                "spike-alerts-sink",
                "alerts",
                serdes))
        .branch(
            (key, value) -> value instanceof VendorHealth,
            Branched.withConsumer(
                health ->
                    health
                        .mapValues(v -> (VendorHealth) v, Named.as("as-vendor-health"))
                        .to(
                            // the vendor is the catalogue's, checked by the detector (a feed
                            // that exists, a well-formed name), never a device's
                            (key, value, context) -> topics.vendorHealth(value.getVendor()),
                            Produced.with(Serdes.String(), serdes.value(VendorHealth.class))
                                .withName("vendor-health-sink")),
                "health"))
        .branch(
            (key, value) -> value instanceof VersionHealth,
            toTopic(
                VersionHealth.class,
                topics.versionHealth(),
                "as-version-health",
                "version-health-sink",
                "version-health",
                serdes))
        .noDefaultBranch();

    return builder.build();
  }

  /** A detector branch that writes its records of {@code type} to one output topic. */
  private static <V extends SpecificRecord> Branched<String, SpecificRecord> toTopic(
      Class<V> type,
      String topic,
      String castName,
      String sinkName,
      String branchName,
      EventSerdes serdes) {
    return Branched.withConsumer(
        records ->
            records
                .mapValues(type::cast, Named.as(castName))
                .to(topic, Produced.with(Serdes.String(), serdes.value(type)).withName(sinkName)),
        branchName);
  }

  private static <T extends SpecificRecord> KStream<String, Decoded> decode(
      StreamsBuilder builder,
      String name,
      String topic,
      TelemetryTimestampExtractor timestamps,
      ProcessorSettings settings,
      Clock clock,
      EventSerdes serdes,
      Class<T> type,
      Function<T, String> deviceId,
      Function<T, Instant> eventTime) {
    return builder.stream(
            topic,
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withTimestampExtractor(timestamps)
                .withName(name + "-source"))
        .process(
            () ->
                // One deserializer per task: its decoder buffers are not shared between threads.
                new TelemetryDecoder<>(
                    serdes.value(type).deserializer(),
                    deviceId,
                    eventTime,
                    settings.maxClockSkew(),
                    settings.maxTimeJump(),
                    clock,
                    settings.applicationId(),
                    new DeviceInput(settings.ingestLimits().componentsPerDevice())),
            Named.as("decode-" + name));
  }

  /** Ticks go to every partition (so stream time moves everywhere), the rest by key. */
  static final class TicksToEveryPartition<V> implements StreamPartitioner<StatsKey, V> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, StatsKey key, V value, int partitions) {
      if (SourceWatermark.isTick(key)) {
        return Optional.of(
            IntStream.range(0, partitions).boxed().collect(Collectors.toUnmodifiableSet()));
      }
      return Optional.empty();
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
