package dev.crashwatch.bench;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.ComponentCatalogue;
import dev.crashwatch.processor.signal.DetectorProcessor;
import dev.crashwatch.processor.signal.VendorFeeds;
import dev.crashwatch.processor.state.EvaluationSchedule;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.SequentialEvidenceRecord;
import dev.crashwatch.processor.state.SignalStateRecord;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The detector task on the calling thread: the production {@link DetectorProcessor}, built with the
 * production settings, over RocksDB stores of the production names, key and value serdes, fed
 * serialized detector-input records that it reads as its source node would (the key decoded, the
 * figures as their bytes).
 *
 * <p>Why not the whole topology in {@code TopologyTestDriver}: the driver commits and checkpoints
 * after every record (it flushes every RocksDB memtable to a file per record), which a running
 * application does once per {@code commit.interval.ms} and, under exactly-once, flushes only when
 * 10,000 changelog records have accumulated; measured in the driver, that flush was most of a
 * record's CPU. Here the stores are flushed every {@link #CHECKPOINT_RECORDS} records, as a
 * checkpoint would. What this leaves out, and says so: the changelog records the stores would send
 * (Kafka's producer appends bytes the store has already serialized), the output topics' serializers
 * (a few thousand records per evaluation, not the hundreds of thousands of input records), and the
 * record cache in front of the detector's stores (each key arrives once per interval, so it folds
 * nothing).
 */
final class DetectorTask implements AutoCloseable {

  /** The detector input as the source node reads it (the name only labels the serdes' calls). */
  static final String TOPIC = "detector-input-repartition";

  /** Kafka Streams checkpoints (and flushes the stores) under exactly-once every this many. */
  static final int CHECKPOINT_RECORDS = 10_000;

  private final MockProcessorContext<String, SpecificRecord> context;
  private final DetectorProcessor detector;
  private final List<StateStore> stores;
  private final KeyValueStore<String, ValueAndTimestamp<CatalogueEntry>> catalogue;
  private final Path stateDir;
  private final InternalAvroSerde<StatsKey> keys = new InternalAvroSerde<>(StatsKey.class);
  private final InternalAvroSerde<VersionStats> values =
      new InternalAvroSerde<>(VersionStats.class);
  private final Deserializer<StatsKey> keyReader = keys.deserializer();
  private final byte[] emptyFigures;
  private long sinceCheckpoint;

  private DetectorTask(
      MockProcessorContext<String, SpecificRecord> context,
      DetectorProcessor detector,
      List<StateStore> stores,
      KeyValueStore<String, ValueAndTimestamp<CatalogueEntry>> catalogue,
      Path stateDir) {
    this.context = context;
    this.detector = detector;
    this.stores = stores;
    this.catalogue = catalogue;
    this.stateDir = stateDir;
    this.emptyFigures = values.serializer().serialize(TOPIC, VersionStats.newBuilder().build());
  }

  static DetectorTask start(ProcessorSettings settings, Path dir) throws IOException {
    Path stateDir = Files.createDirectories(dir.resolve("state-" + UUID.randomUUID()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-detector");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    MockProcessorContext<String, SpecificRecord> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    InternalAvroSerde<StatsKey> statsKeys = new InternalAvroSerde<>(StatsKey.class);
    List<StateStore> stores = new ArrayList<>();
    // the production stores' names and serdes (CrashwatchTopology); the mock context takes no
    // changelog and no record cache
    stores.add(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DetectorProcessor.FIGURES_STORE),
                statsKeys,
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build());
    stores.add(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DetectorProcessor.STATES_STORE),
                statsKeys,
                new InternalAvroSerde<>(SignalStateRecord.class))
            .withLoggingDisabled()
            .build());
    stores.add(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DetectorProcessor.EVIDENCE_STORE),
                statsKeys,
                new InternalAvroSerde<>(SequentialEvidenceRecord.class))
            .withLoggingDisabled()
            .build());
    stores.add(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EvaluationSchedule.STORE),
                Serdes.String(),
                Serdes.Long())
            .withLoggingDisabled()
            .build());
    // the global catalogue store: timestamped, as a global table materializes it; its values in
    // the internal serde, not the registry's wire format (which only adds a 5-byte header)
    var catalogue =
        Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(ComponentCatalogue.STORE),
                Serdes.String(),
                new InternalAvroSerde<>(CatalogueEntry.class))
            .withLoggingDisabled()
            .build();
    stores.add(catalogue);
    for (StateStore store : stores) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    DetectorProcessor detector =
        DetectorProcessor.of(settings, VendorFeeds.EVERY, settings.topics()::vendorHealth);
    detector.init(context);
    return new DetectorTask(context, detector, stores, catalogue, stateDir);
  }

  /** Adds a catalogue entry, as the global table would. */
  void catalogue(CatalogueEntry entry) {
    catalogue.put(
        entry.getComponent(), ValueAndTimestamp.make(entry, entry.getUpdatedAt().toEpochMilli()));
  }

  /** A tick of upstream task {@code partition}, serialized. */
  byte[] tick(int partition) {
    return keys.serializer().serialize(TOPIC, SourceWatermark.tick(partition));
  }

  /** The (empty) figures a tick carries, serialized. */
  byte[] emptyFigures() {
    return emptyFigures;
  }

  /** One detector-input record through the source's key deserializer and the detector. */
  // StateStore.flush is deprecated in Kafka 4.3 (KIP-1035) but is still what a task's commit calls
  // on these stores: the checkpoint costs here what it costs in the processor.
  @SuppressWarnings("deprecation")
  void process(byte[] key, byte[] value, long timestamp) {
    context.setRecordMetadata(TOPIC, 0, 0);
    detector.process(new Record<>(keyReader.deserialize(TOPIC, key), value, timestamp));
    if (++sinceCheckpoint >= CHECKPOINT_RECORDS) {
      sinceCheckpoint = 0;
      stores.forEach(StateStore::flush);
    }
  }

  /**
   * Notes each version a rollback signal was raised for, with its action, and forgets everything
   * forwarded so far (the outputs a producer would send); returns the vendor-health snapshots among
   * them.
   */
  int drain(Map<String, String> signalled) {
    int vendorHealth = 0;
    for (var forward : context.forwarded()) {
      if (forward.record().value() instanceof RollbackSignal s) {
        signalled.put(s.getComponent() + "@" + s.getVersion(), s.getAction().name());
      } else if (forward.record().value() instanceof VendorHealth) {
        vendorHealth++;
      }
    }
    context.resetForwards();
    return vendorHealth;
  }

  @Override
  public void close() throws IOException {
    stores.forEach(StateStore::close);
    try (Stream<Path> files = Files.walk(stateDir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
