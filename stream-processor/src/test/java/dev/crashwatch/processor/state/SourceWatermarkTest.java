package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceWatermarkTest {

  @Test
  void isTheSlowestUpstreamTasksTime() {
    SourceWatermark mark = new SourceWatermark(2);
    assertThat(mark.current()).isEqualTo(-1);
    assertThat(mark.advance(SourceWatermark.tick(0), 5_000)).isEqualTo(-1);
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
    assertThatThrownBy(() -> new SourceWatermark(0).advance(forged, 5_000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void waitsForEveryUpstreamTaskWhenTheirNumberIsKnown() {
    // a task that has not ticked yet (not started, or just moved after a rebalance) is not
    // overtaken: the old mark took the first tick it saw as the whole world
    SourceWatermark mark = new SourceWatermark(3);
    assertThat(mark.advance(SourceWatermark.tick(0), 60_000)).isEqualTo(-1);
    assertThat(mark.advance(SourceWatermark.tick(2), 50_000)).isEqualTo(-1);
    assertThat(mark.advance(SourceWatermark.tick(1), 40_000)).isEqualTo(40_000);
  }

  @Test
  void aQuietTaskDoesNotStallTheOthers() {
    // two instances: partitions 0 and 1 on one of them go quiet at 1:00 while 2 and 3 move on
    SourceWatermark mark = new SourceWatermark(4);
    for (int p = 0; p < 4; p++) {
      mark.advance(SourceWatermark.tick(p), 60_000);
    }
    mark.advance(SourceWatermark.tick(2), 300_000);
    assertThat(mark.advance(SourceWatermark.tick(3), 300_000)).isEqualTo(60_000);
    mark.advance(SourceWatermark.idleTick(0), 60_000);
    assertThat(mark.advance(SourceWatermark.idleTick(1), 60_000)).isEqualTo(300_000);
    // the quiet ones wake up behind the others: the mark holds until they catch up, never goes back
    assertThat(mark.advance(SourceWatermark.tick(0), 120_000)).isEqualTo(300_000);
    mark.advance(SourceWatermark.tick(2), 600_000);
    assertThat(mark.advance(SourceWatermark.tick(3), 600_000)).isEqualTo(300_000);
    assertThat(mark.advance(SourceWatermark.tick(0), 660_000)).isEqualTo(600_000);
  }

  @Test
  void whenEveryTaskIsIdleEverythingHasBeenRead() {
    SourceWatermark mark = new SourceWatermark(2);
    mark.advance(SourceWatermark.tick(0), 60_000);
    mark.advance(SourceWatermark.tick(1), 30_000);
    assertThat(mark.advance(SourceWatermark.idleTick(1), 30_000)).isEqualTo(60_000);
    assertThat(mark.advance(SourceWatermark.idleTick(0), 90_000)).isEqualTo(90_000);
  }
}
