package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceWatermarkTest {

  @Test
  void isTheSlowestUpstreamTasksTime() {
    SourceWatermark mark = new SourceWatermark();
    assertThat(mark.current()).isEqualTo(-1);
    assertThat(mark.advance(DeviceStateProcessor.tickKey(0), 5_000)).isEqualTo(5_000);
    assertThat(mark.advance(DeviceStateProcessor.tickKey(1), 2_000)).isEqualTo(2_000);
    // the fast task racing ahead does not move the mark...
    assertThat(mark.advance(DeviceStateProcessor.tickKey(0), 60_000)).isEqualTo(2_000);
    // ...the slow one catching up does, and a late tick never moves it back
    assertThat(mark.advance(DeviceStateProcessor.tickKey(1), 30_000)).isEqualTo(30_000);
    assertThat(mark.advance(DeviceStateProcessor.tickKey(1), 10_000)).isEqualTo(30_000);
  }

  @Test
  void aTickWithoutAPartitionIsNotASource() {
    SourceWatermark mark = new SourceWatermark();
    assertThat(SourceWatermark.isTick(DeviceStateProcessor.TICK)).isTrue();
    assertThat(SourceWatermark.isTick("acme.sensor@7.11")).isFalse();
    assertThat(mark.advance(DeviceStateProcessor.TICK, 5_000)).isEqualTo(-1);
    assertThat(mark.current()).isEqualTo(-1);
  }
}
