package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/**
 * Real RocksDB stores (under the test driver) configured by {@link BoundedRocksDbMemory}: their
 * memtables are charged to the one shared cache, and what they hold stays near its bound while far
 * more than the bound is written.
 */
class BoundedRocksDbMemoryTest {

  private static final long BOUND = 6L << 20; // a size no other test asks for: a cache of its own

  @Test
  void storesWriteThroughOneSharedBoundedCache(@TempDir Path stateDir) {
    Topology topology = new Topology();
    topology.addSource(
        "in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), "in");
    topology.addProcessor("put", PutInBoth::new, "in");
    for (String store : new String[] {"first", "second"}) {
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
              .withLoggingDisabled(),
          "put");
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    props.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, Long.toString(BOUND));

    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(
              "in", Serdes.String().serializer(), Serdes.ByteArray().serializer());
      // Few large values: the driver commits, and so flushes every store, after each record.
      byte[] value = new byte[256 * 1024];
      long peak = 0;
      // 40 MiB into each store, more than six times the bound in each.
      for (int i = 0; i < 160; i++) {
        value[i % value.length] = (byte) i;
        in.pipeInput("key-" + i, value);
        peak = Math.max(peak, BoundedRocksDbMemory.usageOf(BOUND));
      }
      assertThat(peak).as("the memtables are charged to the shared cache").isPositive();
      assertThat(peak).as("and held near its bound").isLessThanOrEqualTo(BOUND + BOUND / 2);
      KeyValueStore<String, byte[]> second = driver.getKeyValueStore("second");
      assertThat(second.get("key-7")).as("what was written is there").hasSize(256 * 1024);
      assertThat(second.get("key-159")).isNotNull();
      assertThat(second.get("key-160"))
          .as("a key never written, past the memtables' filters")
          .isNull();
    }
  }

  /**
   * Reads of keys the memtables do not hold skip them by a bloom filter over whole keys, and the
   * filters of level-0 files are pinned, not looked up in the cache for every read.
   */
  @Test
  void pointReadsSkipMemtablesByFilterAndPinLevelZeroFilters() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());

      new BoundedRocksDbMemory()
          .setConfig("store", options, Map.of(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, BOUND));

      assertThat(options.memtableWholeKeyFiltering()).isTrue();
      assertThat(options.memtablePrefixBloomSizeRatio())
          .isEqualTo(BoundedRocksDbMemory.MEMTABLE_BLOOM_SHARE)
          .isPositive();
      BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
      assertThat(table.pinL0FilterAndIndexBlocksInCache()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocks()).as("still within the bound").isTrue();
    }
  }

  private static final class PutInBoth implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> first;
    private KeyValueStore<String, byte[]> second;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      first = context.getStateStore("first");
      second = context.getStateStore("second");
    }

    @Override
    public void process(Record<String, byte[]> record) {
      first.put(record.key(), record.value());
      second.put(record.key(), record.value());
    }
  }
}
