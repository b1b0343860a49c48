package dev.crashwatch.processor.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One bound on the off-heap memory of every RocksDB store in this JVM: a block cache shared by all
 * of them, which also holds their index and filter blocks and is charged for their memtables.
 *
 * <p>Why: Kafka Streams gives each store instance its own 50 MiB block cache and up to three 16 MiB
 * memtables, and this topology has about twenty instances on three input partitions (four stores
 * per device task, one per version-stats task, four in the detector, the catalogue): measured at
 * 2,000,000 devices (full-scale, 2026-12-03), the processor's resident set peaked at 1.88 GiB with
 * at most 0.79 GiB of heap used, and it grows with every partition added to scale out. With the
 * bound, what a processor holds off the heap is one figure an operator sets ({@code
 * rocksdb.memory.bytes}), whatever the partition count. This is the pattern of Kafka Streams' own
 * memory management guide.
 *
 * <p>The cache and the write buffer manager are per JVM and size, shared by every store of every
 * processor instance in it that asks for that size (a benchmark compares sizes in one JVM); RocksDB
 * objects shared this way must outlive the stores, so {@link #close} leaves them open.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  /** The Streams property (from the setting {@code rocksdb.memory.bytes}) holding the bound. */
  public static final String TOTAL_BYTES_CONFIG = "crashwatch.rocksdb.memory.bytes";

  /**
   * The memtables' share of the bound: writes (every device event may write its state) are the
   * processor's main RocksDB load, and a memtable flushed early makes more small files to compact.
   */
  static final double MEMTABLE_SHARE = 0.5;

  /**
   * The size of each memtable's bloom filter, as a share of the memtable: see {@link #setConfig}.
   * At 16 MiB (Kafka Streams' memtable size) that is 0.8 MiB, some 80 bits per key of device states
   * of about 200 bytes; part of the memtable's memory, so within the bound.
   */
  static final double MEMTABLE_BLOOM_SHARE = 0.05;

  /** Index and filter blocks are kept in the cache's high-priority pool, up to this share. */
  private static final double HIGH_PRIORITY_SHARE = 0.1;

  private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

  private record Shared(Cache cache, WriteBufferManager writeBuffers) {

    static Shared of(long totalBytes) {
      Cache cache = new LRUCache(totalBytes, -1, false, HIGH_PRIORITY_SHARE);
      return new Shared(cache, new WriteBufferManager((long) (totalBytes * MEMTABLE_SHARE), cache));
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object total = configs.get(TOTAL_BYTES_CONFIG);
    if (total == null) {
      throw new IllegalStateException(TOTAL_BYTES_CONFIG + " is not set");
    }
    Shared shared = SHARED.computeIfAbsent(Long.parseLong(total.toString()), Shared::of);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(shared.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    // Level-0 files overlap, so a read asks the filter of every one of them: pinned, their filter
    // and index blocks are read without a cache look-up each time (still charged to the cache).
    table.setPinL0FilterAndIndexBlocksInCache(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(shared.writeBuffers());
    // Nearly every read misses the memtables: a device's last write was a heartbeat period ago and
    // was flushed long since. Without a filter, each read walks down the skip list of every
    // memtable (up to three per store) before the files; with a bloom filter over their whole keys
    // it skips them. Measured at the whole fleet (perf on the processor's JVM, 2026-12-04), the
    // skip-list walk was the largest single item of its CPU time.
    options.setMemtableWholeKeyFiltering(true);
    options.setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_SHARE);
  }

  /** Bytes the shared cache of {@code totalBytes} holds now (0 before any store asked for it). */
  static long usageOf(long totalBytes) {
    Shared shared = SHARED.get(totalBytes);
    return shared == null ? 0 : shared.cache().getUsage();
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: see the class comment.
  }
}
