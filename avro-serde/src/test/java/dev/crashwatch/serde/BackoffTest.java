package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(100, 1_000);

  @Test
  void ceilingDoublesPerRetryUpToTheMaximum() {
    assertThat(backoff.ceiling(0)).isEqualTo(100);
    assertThat(backoff.ceiling(1)).isEqualTo(200);
    assertThat(backoff.ceiling(3)).isEqualTo(800);
    assertThat(backoff.ceiling(4)).isEqualTo(1_000);
    assertThat(backoff.ceiling(1_000)).isEqualTo(1_000); // no overflow
  }

  @Test
  void jitterStaysBetweenHalfAndAllOfTheCeiling() {
    assertThat(backoff.delayMs(2, 0.0)).isEqualTo(200);
    assertThat(backoff.delayMs(2, 0.5)).isEqualTo(300);
    assertThat(backoff.delayMs(2, 0.999_999)).isEqualTo(399);
    for (int i = 0; i < 1_000; i++) {
      assertThat(backoff.delayMs(10)).isBetween(500L, 1_000L);
    }
  }

  @Test
  void zeroWaitMeansImmediateRetries() {
    assertThat(new Backoff(0, 20_000).delayMs(5, 0.7)).isZero();
  }

  @Test
  void largeInitialIsCappedToo() {
    Backoff big = new Backoff(Long.MAX_VALUE / 2, Long.MAX_VALUE);
    assertThat(big.ceiling(3)).isEqualTo(Long.MAX_VALUE);
  }
}
