package dev.crashwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class FiguresTest {

  @Test
  void theMedianIsAMeasuredValue() {
    assertThat(Figures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    // nearest rank: of an even count, the lower middle one, never an average of two runs
    assertThat(Figures.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.0);
  }

  @Test
  void p95OfTwentyRunsIsTheNineteenth() {
    List<Double> runs = DoubleStream.iterate(1, d -> d + 1).limit(20).boxed().toList();
    assertThat(Figures.percentile(runs, 95)).isEqualTo(19.0);
    assertThat(Figures.percentile(runs, 100)).isEqualTo(20.0);
  }

  @Test
  void noRunsIsAnError() {
    assertThatThrownBy(() -> Figures.median(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verdictsSayWhichSideOfTheTarget() {
    assertThat(Figures.atLeast(0.3, 0.25)).isEqualTo("meets the target");
    assertThat(Figures.atLeast(0.2, 0.25)).isEqualTo("BELOW the target");
    assertThat(Figures.atMost(1.2, 1.3)).isEqualTo("meets the target");
    assertThat(Figures.atMost(1.4, 1.3)).isEqualTo("ABOVE the target");
  }
}
