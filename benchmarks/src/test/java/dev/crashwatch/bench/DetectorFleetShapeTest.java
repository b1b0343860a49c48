package dev.crashwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The detector input a fleet shape makes: which keys are live and how many change. */
class DetectorFleetShapeTest {

  private static DetectorFleetShape shape(double changesPerDay, double crashesPerDay) {
    return new DetectorFleetShape(
        8_500_000, 100, 10, 8, changesPerDay, crashesPerDay, 100, 3, 6, Duration.ofMinutes(1));
  }

  @Test
  void everyPairOfVersionsOfTwoComponentsIsAKey() {
    DetectorFleetShape s = shape(4, 0.01);
    assertThat(s.versions()).isEqualTo(1_000);
    assertThat(s.pairKeys()).isEqualTo(4_950L * 100);
  }

  @Test
  void theDevicesOfAComponentsVersionsAndPairsAddUpToTheFleetsShare() {
    DetectorFleetShape s = shape(4, 0.01);
    double perComponent = 0;
    double perComponentPair = 0;
    for (int v = 0; v < 10; v++) {
      perComponent += s.versionDevices(v);
      for (int w = 0; w < 10; w++) {
        perComponentPair += s.pairDevices(v, w);
      }
    }
    // 8 of 100 components per device; 8*7 of 100*99 ordered pairs of components
    assertThat(perComponent).isCloseTo(8_500_000 * 0.08, within(1.0));
    assertThat(perComponentPair).isCloseTo(8_500_000 * 56.0 / 9_900, within(1.0));
  }

  @Test
  void aFleetThatNeverChangesSendsOnlyTicksAndOneThatAlwaysDoesSendsEveryKey() {
    DetectorFleetShape still = shape(0, 0);
    assertThat(still.recordsPerInterval()).isEqualTo(6);
    DetectorFleetShape restless = shape(24 * 60, 0);
    assertThat(restless.recordsPerInterval()).isCloseTo(1_000 + 495_000 + 100 + 6, within(1e-6));
    assertThat(restless.recordsPerSecond(10)).isCloseTo(496_106 / 6.0, within(1e-3));
  }
}
