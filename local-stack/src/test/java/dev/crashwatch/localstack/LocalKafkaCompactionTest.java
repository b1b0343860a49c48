package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The cleaner's dedupe buffer that {@link LocalKafka#compactionFor} sizes holds every key of a
 * partition in one pass: Kafka's offset map takes 24 bytes a key (an MD5 and an offset) and is
 * filled to 90% of its slots before a pass stops short of the dirty part's end.
 */
class LocalKafkaCompactionTest {

  private static long buffer(long keysPerPartition) {
    return Long.parseLong(LocalKafka.compactionFor(keysPerPartition).get(LocalKafka.DEDUPE_BUFFER));
  }

  private static long keysInOnePass(long bufferBytes) {
    return (long) (bufferBytes / 24 * 0.9);
  }

  @Test
  void aPartitionOfAFullScaleFleetFitsInOnePass() {
    // 2,000,000 devices over 3 partitions (the 2026-12-04 run), and all 8,500,000
    for (long keys : new long[] {666_667, 2_833_334, 8_500_000}) {
      assertThat(keysInOnePass(buffer(keys))).as("keys %d", keys).isGreaterThanOrEqualTo(keys);
    }
    // the small default held about 157,000 keys: a partition of 666,667 took five passes
    assertThat(keysInOnePass(4L << 20)).isLessThan(666_667 / 4);
  }

  @Test
  void smallTopicsKeepTheSmallDefaultAndHugeOnesAreCapped() {
    assertThat(buffer(0)).isEqualTo(4L << 20);
    assertThat(buffer(10_000)).isEqualTo(4L << 20);
    assertThat(buffer(1_000_000_000L)).isEqualTo(1L << 30);
  }

  @Test
  void aNegativeKeyCountIsRefused() {
    assertThatThrownBy(() -> LocalKafka.compactionFor(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keysPerPartition");
  }
}
