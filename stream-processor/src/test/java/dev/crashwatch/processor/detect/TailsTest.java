package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Reference values from scipy.stats (sf) and mpmath at 50 digits. */
class TailsTest {

  @Test
  void poissonTailMatchesKnownValues() {
    assertThat(Tails.poissonUpperTail(10, 1.0))
        .isCloseTo(1.1142547833872071e-07, withinPercentage(1e-7));
    assertThat(Tails.poissonUpperTail(1, 1.0))
        .isCloseTo(0.6321205588285577, withinPercentage(1e-9));
    assertThat(Tails.poissonUpperTail(3, 0.5))
        .isCloseTo(0.014387677966970684, withinPercentage(1e-8));
    assertThat(Tails.poissonUpperTail(100, 50))
        .isCloseTo(3.2000653245851495e-10, withinPercentage(1e-7));
    assertThat(Tails.poissonUpperTail(30, 10))
        .isCloseTo(2.509951201527959e-07, withinPercentage(1e-7));
    assertThat(Tails.poissonUpperTail(50, 100)).isCloseTo(0.9999999882154993, within(1e-13));
    assertThat(Tails.poissonUpperTail(1, 1e-9)).isCloseTo(9.999999995e-10, withinPercentage(1e-7));
  }

  @Test
  void poissonTailFarBelowUnderflowStaysFiniteInLogSpace() {
    assertThat(Tails.logPoissonUpperTail(200, 10))
        .isCloseTo(-412.66395066921666, withinPercentage(1e-9));
  }

  @Test
  void binomialTailMatchesKnownValues() {
    assertThat(Tails.binomialUpperTail(3, 10, 0.001))
        .isCloseTo(1.193715099017991e-07, withinPercentage(1e-7));
    assertThat(Tails.binomialUpperTail(2, 10, 0.001))
        .isCloseTo(4.476062899304929e-05, withinPercentage(1e-7));
    assertThat(Tails.binomialUpperTail(20, 100, 0.1))
        .isCloseTo(0.0019785608657712354, withinPercentage(1e-7));
    assertThat(Tails.binomialUpperTail(60, 1000, 0.05))
        .isCloseTo(0.08673217838486103, withinPercentage(1e-7));
    assertThat(Tails.binomialUpperTail(5, 100_000, 1e-5))
        .isCloseTo(0.0036596169050561334, withinPercentage(1e-6));
    assertThat(Tails.binomialUpperTail(30, 1000, 0.01))
        .isCloseTo(2.0599888509719585e-07, withinPercentage(1e-7));
    assertThat(Tails.logBinomialUpperTail(1260, 2000, 0.0002))
        .isCloseTo(-9417.891340202809, withinPercentage(1e-9));
  }

  @Test
  void binomialTailIsAccurateForLargeExposureNearAndFarFromTheMean() {
    assertThat(Tails.binomialUpperTail(5_000, 100_000, 0.05))
        .isCloseTo(0.5020259614598019, withinPercentage(1e-6));
    assertThat(Tails.binomialUpperTail(5_500, 100_000, 0.05))
        .isCloseTo(4.669950136580222e-13, withinPercentage(1e-6));
    assertThat(Tails.binomialUpperTail(62_897, 100_000, 0.6))
        .isCloseTo(5.696942777421989e-79, withinPercentage(1e-6));
  }

  @Test
  void edgesAreExact() {
    assertThat(Tails.binomialUpperTail(0, 10, 0.3)).isEqualTo(1.0);
    assertThat(Tails.binomialUpperTail(11, 10, 0.3)).isEqualTo(0.0);
    assertThat(Tails.binomialUpperTail(1, 10, 0.0)).isEqualTo(0.0);
    assertThat(Tails.binomialUpperTail(10, 10, 1.0)).isEqualTo(1.0);
    assertThat(Tails.binomialUpperTail(10, 10, 0.5))
        .isCloseTo(Math.pow(0.5, 10), withinPercentage(1e-9));
    assertThat(Tails.poissonUpperTail(0, 3)).isEqualTo(1.0);
    assertThat(Tails.poissonUpperTail(1, 0)).isEqualTo(0.0);
  }

  @Test
  void tailDecreasesWithTheCount() {
    double previous = 1.0;
    for (int k = 0; k <= 200; k++) {
      double p = Tails.binomialUpperTail(k, 100_000, 0.0005);
      assertThat(p).isLessThanOrEqualTo(previous);
      previous = p;
    }
  }

  @Test
  void logGammaMatchesKnownValues() {
    assertThat(Tails.logGamma(0.5)).isCloseTo(0.5723649429247001, within(1e-13));
    assertThat(Tails.logGamma(3)).isCloseTo(Math.log(2), within(1e-13));
    assertThat(Tails.logGamma(100_000.5)).isCloseTo(1051293.4654351394, withinPercentage(1e-12));
    assertThat(Tails.logGamma(0.1)).isCloseTo(2.252712651734206, within(1e-12));
  }
}
