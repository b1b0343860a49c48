package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequentialRateTestTest {

  @Test
  void beforeAnyEvidenceTheEValueIsOne() {
    SequentialRateTest test = new SequentialRateTest();
    assertThat(test.eValue()).isEqualTo(1.0);
    assertThat(test.rejects(0.5)).isFalse();
    assertThat(test.mostLikelyRatio()).isEqualTo(1.0);
  }

  @Test
  void failuresOnTheVersionRaiseTheEValueAndFailuresElsewhereLowerIt() {
    SequentialRateTest onVersion = new SequentialRateTest();
    onVersion.observe(3, 0, 0.02);
    SequentialRateTest elsewhere = new SequentialRateTest();
    elsewhere.observe(0, 3, 0.02);
    assertThat(onVersion.eValue()).isGreaterThan(100);
    assertThat(elsewhere.eValue()).isLessThan(1.0);
  }

  @Test
  void failuresInProportionToExposureAreNoEvidence() {
    SequentialRateTest test = new SequentialRateTest();
    for (int look = 0; look < 100; look++) {
      test.observe(1, 49, 0.02);
    }
    assertThat(test.eValue()).isLessThan(1.0);
    assertThat(test.confidenceInterval(0.001).lower()).isLessThanOrEqualTo(1.0);
    assertThat(test.confidenceInterval(0.001).upper()).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void aBootLoopInTheCanaryRejectsAtTheHaltBudgetAfterAFewDevices() {
    // The canary is 2% of the fleet; each crashed canary device is 50 times more likely under a
    // large rate ratio than under none.
    SequentialRateTest test = new SequentialRateTest();
    int devices = 0;
    while (!test.rejects(1e-3)) {
      test.observe(1, 0, 0.02);
      devices++;
    }
    assertThat(devices).isBetween(2, 4);
  }

  @Test
  void theConfidenceIntervalCoversTheRatioTheCountsWereMadeWith() {
    // 10 times the hazard on a version that runs on 10% of the devices: pi = 10/19 of failures.
    SequentialRateTest test = new SequentialRateTest();
    for (int look = 0; look < 200; look++) {
      test.observe(10, 9, 0.1);
    }
    SequentialRateTest.RatioInterval interval = test.confidenceInterval(0.001);
    assertThat(interval.lower()).isLessThanOrEqualTo(10.0).isGreaterThan(5.0);
    assertThat(interval.upper()).isGreaterThanOrEqualTo(10.0).isLessThan(20.0);
    assertThat(test.mostLikelyRatio()).isBetween(8.0, 12.0);
  }

  @Test
  void aLookWithoutAComparisonGroupCarriesNoInformation() {
    SequentialRateTest test = new SequentialRateTest();
    test.observe(50, 0, 1.0);
    test.observe(50, 0, 0.0);
    assertThat(test.eValue()).isEqualTo(1.0);
  }

  @Test
  void theStateRoundTripsExactlyAndAForeignStateStartsOver() {
    SequentialRateTest test = new SequentialRateTest();
    test.observe(4, 7, 0.1);
    SequentialRateTest restored = SequentialRateTest.fromState(test.state());
    assertThat(restored.logEValue()).isEqualTo(test.logEValue());
    restored.observe(1, 0, 0.1);
    assertThat(restored.logEValue()).isNotEqualTo(test.logEValue());
    assertThat(SequentialRateTest.fromState(new double[3]).eValue()).isEqualTo(1.0);
    assertThat(SequentialRateTest.fromState(null).eValue()).isEqualTo(1.0);
  }

  @Test
  void negativeCountsAreRefused() {
    assertThatThrownBy(() -> new SequentialRateTest().observe(-1, 0, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hugeEvidenceStaysFinite() {
    SequentialRateTest test = new SequentialRateTest();
    test.observe(1_000_000, 0, 0.001);
    assertThat(test.logEValue()).isFinite().isGreaterThan(1000);
    assertThat(test.rejects(1e-12)).isTrue();
  }
}
