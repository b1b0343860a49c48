package dev.crashwatch.processor.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store of deserialized objects in front of a serialized one (the store that {@code
 * Stores.keyValueStoreBuilder} builds: serde, changelog, RocksDB): {@link #get} hands out the live
 * object, which the caller may change in place, and {@link #put} only marks it dirty. Each dirty
 * key is serialized and written into the inner store (and so its changelog) once per commit,
 * instead of a read, a copy and a write per update.
 *
 * <p>Why the writes land in the commit's transaction: before a task commits, Kafka Streams asks
 * every registered store that is a {@link CachedStateStore} to {@link #flushCache} (as it does for
 * its own record cache) and then flushes the producer, and only then commits offsets and the
 * transaction. This store registers itself as the root of the inner store ({@link #init}), so it is
 * the store asked. {@code StateStore#flush}/{@code commit} would be too late: Kafka Streams 4.x
 * calls them after the transaction, to checkpoint. {@code CachedStateStore} is Kafka Streams'
 * internal interface for exactly this hook; {@code WriteBackKeyValueStoreTest}, {@code
 * DeviceExposureTopologyTest} and the exactly-once ITs pin the behaviour across upgrades.
 *
 * <p>What is held in memory is dropped whenever the task's state may have moved on without it:
 * {@link #init} (a task created, migrated or revived after an aborted transaction: the inner store
 * is then restored from the changelog, so objects are read again), {@link #clearCache} (Kafka's own
 * signal to drop a cache: a task recycled between active and standby, whose store the changelog
 * then writes directly) and {@link #close}. At most {@code maxEntries} objects are held, least
 * recently used first out (a dirty one is written to the inner store as it leaves), so memory is
 * bounded by {@code maxEntries}, not by the number of keys.
 *
 * <p>Only the stream thread that writes to the store sees the held objects; any other thread (an
 * interactive query) reads the inner store, which holds every update up to the last commit. Range
 * reads on the writing thread first write the dirty objects into the inner store, so they see
 * everything.
 */
public final class WriteBackKeyValueStore<K, V>
    implements KeyValueStore<K, V>, CachedStateStore<K, V> {

  private final KeyValueStore<K, V> inner;
  private final int maxEntries;
  private final Map<K, Held<K, V>> held;
  // The held objects made dirty since the last write-out, in the order they first became so:
  // writing them out walks this list, not `held`, whose access order every lookup would reorder.
  // A flag on each held object, not a second map, marks it dirty: an event then costs no lookup
  // in a second map (at 8.5 million devices every lookup is a cache miss).
  private final List<Held<K, V>> dirty = new ArrayList<>();
  // The object of the last key looked up or written. A processor reads a device's state, changes
  // it and puts it back, and the admission before it read it too: three lookups of one key per
  // event, of which this saves two. It is always the most recently used entry of `held`, so a hit
  // here needs no reordering there.
  private Held<K, V> last;
  // The stream thread that writes (interactive queries only read): it alone may touch `held`.
  private volatile Thread writer;
  private Runnable beforeFlush = () -> {};

  /** One held object; {@code dirty} until it is written into the inner store. */
  private static final class Held<K, V> {
    private final K key;
    private V value;
    private boolean dirty;

    private Held(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  public WriteBackKeyValueStore(KeyValueStore<K, V> inner, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    this.inner = inner;
    this.maxEntries = maxEntries;
    this.held =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Held<K, V>> eldest) {
            if (size() <= WriteBackKeyValueStore.this.maxEntries) {
              return false;
            }
            leave(eldest.getValue());
            return true;
          }
        };
  }

  /**
   * An object leaves memory: written out if dirty. Only {@link #hold} adds to {@code held}, so only
   * it evicts, and it makes the object it adds the last one looked up right after.
   */
  private void leave(Held<K, V> leaving) {
    writeOut(leaving); // its place in `dirty` is then skipped at the write-out
    // `dirty` may still list it until the next write-out: let the value go now, not then
    leaving.value = null;
  }

  /**
   * Writes {@code h} into the inner store (and its changelog) if it is dirty, and marks it clean.
   */
  private void writeOut(Held<K, V> h) {
    if (h.dirty) {
      h.dirty = false;
      inner.put(h.key, h.value);
    }
  }

  /** The held object of {@code key} on the writing thread, or null. */
  private Held<K, V> lookUp(K key) {
    Held<K, V> h = last;
    if (h != null && h.key.equals(key)) {
      return h;
    }
    h = held.get(key);
    if (h != null) {
      last = h;
    }
    return h;
  }

  /**
   * The write-back store behind {@code store}, as a processor's context hands it out (Kafka Streams
   * wraps every store it gives a processor in a decorator of its own), or null when there is none.
   */
  public static WriteBackKeyValueStore<?, ?> behind(StateStore store) {
    StateStore s = store;
    while (s instanceof WrappedStateStore<?, ?, ?> wrapped) {
      s = wrapped.wrapped();
    }
    return s instanceof WriteBackKeyValueStore<?, ?> writeBack ? writeBack : null;
  }

  /**
   * Runs {@code action} first at every {@link #flushCache}, that is, before every commit of the
   * task, in its transaction: a processor that holds records back between commits forwards them
   * there ({@code DeltaBuffer}), as Kafka's own record cache forwards a table's changes at its
   * flush.
   */
  public void beforeFlush(Runnable action) {
    this.beforeFlush = action;
  }

  /** Objects held in memory now (dirty or not); for tests and figures. */
  public int heldEntries() {
    return held.size();
  }

  private boolean onWriterThread() {
    return Thread.currentThread() == writer;
  }

  @Override
  public V get(K key) {
    if (!onWriterThread()) {
      return inner.get(key);
    }
    Held<K, V> h = lookUp(key);
    if (h != null) {
      return h.value;
    }
    V value = inner.get(key);
    if (value != null) {
      hold(key, value);
    }
    return value;
  }

  private Held<K, V> hold(K key, V value) {
    Held<K, V> h = new Held<>(key, value);
    held.put(key, h); // may evict the eldest (leave), so `last` is set after
    last = h;
    return h;
  }

  @Override
  public void put(K key, V value) {
    writer = Thread.currentThread();
    if (value == null) {
      delete(key);
      return;
    }
    Held<K, V> h = lookUp(key);
    if (h == null) {
      h = hold(key, value);
    } else {
      h.value = value;
    }
    if (!h.dirty) {
      h.dirty = true;
      dirty.add(h);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    writer = Thread.currentThread();
    V old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    entries.forEach(kv -> put(kv.key, kv.value));
  }

  @Override
  public V delete(K key) {
    writer = Thread.currentThread();
    Held<K, V> h = held.remove(key);
    V heldValue = null;
    if (h != null) {
      heldValue = h.value;
      h.dirty = false; // deleted: nothing of it is to be written out
      h.value = null;
      if (h == last) {
        last = null;
      }
    }
    V old = inner.delete(key);
    return heldValue != null ? heldValue : old;
  }

  /** Writes every dirty object into the inner store (and its changelog), keeping them held. */
  private void writeDirty() {
    dirty.forEach(this::writeOut);
    dirty.clear();
  }

  private void writeDirtyIfWriter() {
    if (onWriterThread()) {
      writeDirty();
    }
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeDirtyIfWriter();
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeDirtyIfWriter();
    return inner.reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeDirtyIfWriter();
    return inner.all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeDirtyIfWriter();
    return inner.reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
      P prefix, PS prefixKeySerializer) {
    writeDirtyIfWriter();
    return inner.prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    writeDirtyIfWriter();
    return inner.approximateNumEntries();
  }

  @Override
  public void flushCache() {
    beforeFlush.run();
    writeDirty();
    if (inner instanceof CachedStateStore<?, ?> cached) {
      cached.flushCache();
    }
  }

  @Override
  public void clearCache() {
    dropHeld();
    if (inner instanceof CachedStateStore<?, ?> cached) {
      cached.clearCache();
    }
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
    // nothing downstream listens to this store's writes: it is no KTable's materialization
    return false;
  }

  private void dropHeld() {
    held.clear();
    dirty.clear();
    last = null;
    writer = null;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    dropHeld();
    inner.init(context, root);
  }

  // Deprecated in Kafka 4.3 for the stores that manage their own offsets (KIP-1035), but Kafka
  // still calls both on a store that does not; a wrapper forwards them to the store it wraps.
  @SuppressWarnings("deprecation")
  @Override
  public void flush() {
    // Kafka calls this after the transaction (see the class comment): objects made dirty since
    // flushCache belong to the next transaction, so they stay held until then.
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @SuppressWarnings("deprecation") // see flush
  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    // a clean close has had its flushCache (the task committed first); a dirty one must not write
    dropHeld();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
    return inner.query(query, bound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }
}
