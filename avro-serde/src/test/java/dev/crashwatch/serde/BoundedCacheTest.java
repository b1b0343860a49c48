package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  @Test
  void loadsOnceThenServesFromMemory() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(10);
    AtomicInteger loads = new AtomicInteger();
    for (int i = 0; i < 100; i++) {
      assertThat(cache.getOrLoad("a", k -> loads.incrementAndGet())).isEqualTo(1);
    }
    assertThat(loads).hasValue(1);
  }

  @Test
  void neverGrowsBeyondItsCapacity() {
    BoundedCache<Integer, Integer> cache = new BoundedCache<>(3);
    for (int i = 0; i < 100; i++) {
      cache.put(i, i);
      assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
    assertThat(cache.get(99)).isEqualTo(99); // the newest entry is always kept
  }

  @Test
  void aFailedLoadIsNotCached() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(10);
    try {
      cache.getOrLoad(
          "a",
          k -> {
            throw new IllegalStateException("registry down");
          });
    } catch (IllegalStateException expected) {
      // next call retries
    }
    assertThat(cache.getOrLoad("a", k -> 7)).isEqualTo(7);
  }
}
