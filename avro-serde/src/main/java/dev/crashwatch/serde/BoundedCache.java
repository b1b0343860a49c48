package dev.crashwatch.serde;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A size-capped concurrent map for the serde's hot-path lookups (schema by id, id by schema, datum
 * readers and writers).
 *
 * <p>Why not an LRU: an access-ordered {@code LinkedHashMap} reorders itself on every read, so
 * every lookup, the hot path of every record, would need a lock. Here reads are lock-free {@link
 * ConcurrentHashMap#get}. The cap only guards against pathological churn (e.g. a producer that
 * builds a new schema per record); the working set of a pipeline is a handful of schemas, far below
 * the cap, so when the cap is reached an arbitrary entry is evicted: under such churn no policy
 * would hit anyway, and a miss costs one registry call.
 */
final class BoundedCache<K, V> {
  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final int capacity;

  BoundedCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  V get(K key) {
    return map.get(key);
  }

  /**
   * The cached value, or {@code loader}'s, which is then cached. The loader runs outside any lock
   * (it may do HTTP); two threads missing together may both load, and the first value wins.
   */
  V getOrLoad(K key, Function<? super K, ? extends V> loader) {
    V value = map.get(key);
    if (value != null) {
      return value;
    }
    V loaded = loader.apply(key);
    put(key, loaded);
    V winner = map.get(key);
    return winner != null ? winner : loaded;
  }

  void put(K key, V value) {
    if (map.size() >= capacity && !map.containsKey(key)) {
      Iterator<K> it = map.keySet().iterator();
      if (it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    map.putIfAbsent(key, value);
  }

  int size() {
    return map.size();
  }
}
