package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceWatermarkTest {

  @Test
  void isTheSlowestUpstreamTasksTime() {
    SourceWatermark mark = new SourceWatermark();
    assertThat(mark.current()).isEqualTo(-1);
    assertThat(mark.advance(SourceWatermark.tick(0), 5_000)).isEqualTo(5_000);
    assertThat(mark.advance(SourceWatermark.tick(1), 2_000)).isEqualTo(2_000);
    // the fast task racing ahead does not move the mark...
    assertThat(mark.advance(SourceWatermark.tick(0), 60_000)).isEqualTo(2_000);
    // ...the slow one catching up does, and a late tick never moves it back
    assertThat(mark.advance(SourceWatermark.tick(1), 30_000)).isEqualTo(30_000);
    assertThat(mark.advance(SourceWatermark.tick(1), 10_000)).isEqualTo(30_000);
  }

  @Test
  void aVersionWhoseComponentLooksLikeATickIsNoTick() {
    // the forgery of issue 8: a component id "tick#1" once stopped the detector
    StatsKey forged = VersionKey.of("tick#1", "1@1");
    assertThat(SourceWatermark.isTick(forged)).isFalse();
    assertThat(PairKey.isPair(forged)).isFalse();
    assertThatThrownBy(() -> new SourceWatermark().advance(forged, 5_000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
