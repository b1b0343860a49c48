package dev.crashwatch.processor.state;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link WriteBackKeyValueStore} around the store of {@code inner} (typically {@code
 * Stores.keyValueStoreBuilder(...)}), which keeps its name, serdes, changelog and options; its
 * record cache is best left off, since the objects held here already save the reads it would.
 */
public final class WriteBackStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

  private final StoreBuilder<KeyValueStore<K, V>> inner;
  private final int maxEntries;

  /**
   * @param maxEntries how many deserialized objects each task's store holds at most
   */
  public WriteBackStoreBuilder(StoreBuilder<KeyValueStore<K, V>> inner, int maxEntries) {
    this.inner = inner;
    this.maxEntries = maxEntries;
  }

  @Override
  public WriteBackStoreBuilder<K, V> withCachingEnabled() {
    inner.withCachingEnabled();
    return this;
  }

  @Override
  public WriteBackStoreBuilder<K, V> withCachingDisabled() {
    inner.withCachingDisabled();
    return this;
  }

  @Override
  public WriteBackStoreBuilder<K, V> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public WriteBackStoreBuilder<K, V> withLoggingDisabled() {
    inner.withLoggingDisabled();
    return this;
  }

  @Override
  public KeyValueStore<K, V> build() {
    return new WriteBackKeyValueStore<>(inner.build(), maxEntries);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
