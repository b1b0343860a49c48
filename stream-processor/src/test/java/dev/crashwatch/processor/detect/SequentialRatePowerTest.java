package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The budget does not buy safety by never halting: the power table's corners, asserted. The whole
 * table is printed by {@link PowerTable}.
 */
class SequentialRatePowerTest {

  @Test
  void aBootLoopInASmallCanaryHaltsWithinMinutesOfItsFirstCrash() {
    assertThat(PowerTable.medianMinutesToHalt(1_000, 0.9, 1)).isLessThanOrEqualTo(3);
  }

  @Test
  void aSlowBurnOfHalfAPercentInASmallRingStillHaltsWithinTheHour() {
    assertThat(PowerTable.medianMinutesToHalt(1_000, 0.005, 2)).isLessThanOrEqualTo(60);
  }

  @Test
  void largerRingsHaltSoonerForTheSameExcess() {
    double small = PowerTable.medianMinutesToHalt(1_000, 0.01, 3);
    double large = PowerTable.medianMinutesToHalt(100_000, 0.01, 3);
    assertThat(large).isLessThan(small);
  }
}
