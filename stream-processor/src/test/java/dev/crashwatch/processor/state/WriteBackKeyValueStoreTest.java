package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write-back store on its own, over a real (in-memory, serializing) Kafka Streams store: what
 * reaches the inner store, and when, decides what a commit's transaction carries.
 */
class WriteBackKeyValueStoreTest {

  private static final int MAX_ENTRIES = 3;

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private WriteBackKeyValueStore<String, VersionStats> store;

  @BeforeEach
  void init() {
    store = writeBack("figures", MAX_ENTRIES);
  }

  /** A write-back store over a real in-memory store, holding at most {@code maxEntries}. */
  private WriteBackKeyValueStore<String, VersionStats> writeBack(String name, int maxEntries) {
    KeyValueStore<String, VersionStats> built =
        new WriteBackStoreBuilder<>(
                Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(name),
                    Serdes.String(),
                    new InternalAvroSerde<>(VersionStats.class)),
                maxEntries)
            .withLoggingDisabled()
            .build();
    WriteBackKeyValueStore<String, VersionStats> writeBack =
        (WriteBackKeyValueStore<String, VersionStats>) built;
    writeBack.init(context.getStateStoreContext(), writeBack);
    return writeBack;
  }

  /**
   * What the inner store holds, read from a thread of its own as an interactive query does: past
   * the held objects.
   */
  private VersionStats stored(String key) {
    return stored(store, key);
  }

  private static VersionStats stored(KeyValueStore<String, VersionStats> in, String key) {
    return CompletableFuture.supplyAsync(() -> in.get(key)).join();
  }

  private static VersionStats crashed(long n) {
    VersionStats stats = VersionStats.newBuilder().build();
    stats.setCrashedDevices(n);
    return stats;
  }

  @Test
  void updatesInPlaceReachTheInnerStoreOnlyAtFlushCacheAndOnceAsTheLastValue() {
    store.put("a", crashed(1));
    for (int i = 0; i < 5; i++) {
      VersionStats live = store.get("a");
      live.setCrashedDevices(live.getCrashedDevices() + 1);
      store.put("a", live);
    }
    assertThat(store.get("a").getCrashedDevices()).isEqualTo(6);
    assertThat(stored("a")).isNull();

    store.flushCache();
    assertThat(stored("a").getCrashedDevices()).isEqualTo(6);
  }

  @Test
  void kafkaStreamsSeesItAsACachedStoreSoItsCommitFlushesIt() {
    // ProcessorStateManager.flushCache, run before the transaction commits, asks exactly these
    assertThat(store).isInstanceOf(CachedStateStore.class);
  }

  @Test
  void clearCacheDropsWhatWasNotFlushedAndReadsTheStoreAgain() {
    store.put("a", crashed(1));
    store.flushCache();
    VersionStats live = store.get("a");
    live.setCrashedDevices(99);
    store.put("a", live);

    store.clearCache(); // an aborted transaction: the store is what the changelog holds

    assertThat(store.get("a").getCrashedDevices()).isEqualTo(1);
    assertThat(store.get("a")).isNotSameAs(live);
  }

  @Test
  void initDropsHeldObjectsSoARevivedTaskReadsRestoredState() {
    store.put("a", crashed(1));
    store.flushCache();
    VersionStats held = store.get("a");

    store.init(context.getStateStoreContext(), store);

    assertThat(store.heldEntries()).isZero();
    assertThat(store.get("a")).isNotSameAs(held).isEqualTo(held);
  }

  @Test
  void holdsAtMostMaxEntriesAndWritesADirtyOneAsItLeaves() {
    for (int i = 0; i < MAX_ENTRIES + 2; i++) {
      store.put("k" + i, crashed(i));
    }
    assertThat(store.heldEntries()).isEqualTo(MAX_ENTRIES);
    // the two least recently used left memory, and their figures are in the store, not lost
    assertThat(stored("k0").getCrashedDevices()).isZero();
    assertThat(stored("k1").getCrashedDevices()).isEqualTo(1);
    assertThat(stored("k4")).isNull();
    assertThat(store.get("k1").getCrashedDevices()).isEqualTo(1);
  }

  @Test
  void rangeReadsOnTheWritingThreadSeeDirtyObjects() {
    store.put("a", crashed(1));
    store.put("b", crashed(2));
    List<KeyValue<String, VersionStats>> all = new ArrayList<>();
    try (KeyValueIterator<String, VersionStats> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    assertThat(all).extracting(kv -> kv.key).containsExactly("a", "b");
    assertThat(all).extracting(kv -> kv.value.getCrashedDevices()).containsExactly(1L, 2L);
  }

  @Test
  void deleteRemovesHeldAndStoredFigures() {
    store.put("a", crashed(1));
    store.flushCache();
    store.put("a", crashed(2));

    assertThat(store.delete("a").getCrashedDevices()).isEqualTo(2);
    store.flushCache();

    assertThat(store.get("a")).isNull();
    assertThat(stored("a")).isNull();
  }

  @Test
  void aKeyThatLeftDirtyAndCameBackIsWrittenOnceMoreWithItsLastValue() {
    store.put("a", crashed(1));
    for (int i = 0; i < MAX_ENTRIES; i++) {
      store.put("k" + i, crashed(10 + i)); // "a", dirty, leaves memory and is written
    }
    assertThat(stored("a").getCrashedDevices()).isEqualTo(1);
    VersionStats back = store.get("a"); // read again from the inner store
    back.setCrashedDevices(2);
    store.put("a", back);
    assertThat(stored("a").getCrashedDevices()).isEqualTo(1);

    store.flushCache();
    assertThat(stored("a").getCrashedDevices()).isEqualTo(2);
    assertThat(stored("k2").getCrashedDevices()).isEqualTo(12);
  }

  @Test
  void aDeletedKeyIsNotWrittenBackByTheNextFlush() {
    store.put("a", crashed(1));
    store.delete("a");
    store.flushCache();
    assertThat(stored("a")).isNull();

    store.put("a", crashed(3));
    store.flushCache();
    assertThat(stored("a").getCrashedDevices()).isEqualTo(3);
  }

  @Test
  void withRoomForOneObjectEveryKeyStillReadsItsOwnValue() {
    WriteBackKeyValueStore<String, VersionStats> one = writeBack("one", 1);
    // the object looked up last leaves memory as the next key comes in; nothing of it is lost
    for (int round = 1; round <= 3; round++) {
      for (String key : List.of("a", "b", "c")) {
        VersionStats live = one.get(key);
        VersionStats next = live == null ? crashed(0) : live;
        next.setCrashedDevices(next.getCrashedDevices() + round);
        one.put(key, next);
        assertThat(one.get(key)).isSameAs(next);
        assertThat(one.heldEntries()).isEqualTo(1);
      }
    }
    one.flushCache();
    for (String key : List.of("a", "b", "c")) {
      assertThat(one.get(key).getCrashedDevices()).isEqualTo(6);
      assertThat(stored(one, key).getCrashedDevices()).isEqualTo(6);
    }
  }

  @Test
  void aBoundBelowOneIsRefused() {
    assertThatThrownBy(() -> new WriteBackKeyValueStore<>(store, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
