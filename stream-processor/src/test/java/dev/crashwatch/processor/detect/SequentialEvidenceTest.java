package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequentialEvidenceTest {

  private static final FalseAlarmBudget BUDGET = new FalseAlarmBudget(1e-3);
  private static final double FLOOR = 1e-4 / 30;

  private static double[] history(double failures, double deviceMinutes) {
    return new double[] {failures, deviceMinutes};
  }

  @Test
  void aCanaryWhoseDevicesFailFarMoreThanTheRestReachesHaltWithAnIntervalAboveOne() {
    SequentialEvidence e = SequentialEvidence.none();
    for (int look = 0; look < 5; look++) {
      // 100 canary devices against 9,900: 3 canary failures a minute, 1 elsewhere
      e.observe(3, 1, 100 - 3 * look, 9_900, 1, () -> history(0, 0), BUDGET, FLOOR);
    }
    SequentialVerdict v = e.verdict(false, BUDGET);
    assertThat(v.test()).isEqualTo(SequentialVerdict.TWO_SAMPLE);
    assertThat(v.reaches(DetectorAction.HALT)).isTrue();
    assertThat(v.ratioLower()).isGreaterThan(1);
    assertThat(v.ratioUpper()).isGreaterThan(v.ratioLower());
    assertThat(e.history()).isNull();
  }

  @Test
  void aVersionFailingLikeItsComparisonGroupStaysBelowWatch() {
    SequentialEvidence e = SequentialEvidence.none();
    for (int look = 0; look < 60; look++) {
      // a tenth of the devices, a tenth of the failures
      e.observe(look % 10 == 0 ? 1 : 0, 9, 1_000, 9_000, 1, () -> history(0, 0), BUDGET, FLOOR);
    }
    assertThat(e.verdict(false, BUDGET).reaches(DetectorAction.WATCH)).isFalse();
  }

  @Test
  void aPushToTheWholeComponentIsTestedAgainstItsPredecessorsHistory() {
    SequentialEvidence e = SequentialEvidence.none();
    // the predecessor: 20 failures over 10,000 devices for 12 hours
    double[] before = history(20, 10_000 * 720.0);
    for (int look = 0; look < 10; look++) {
      e.observe(30, 0, 10_000 - 30 * look, 0, 1, () -> before, BUDGET, FLOOR);
    }
    assertThat(e.history()).isNotNull();
    assertThat(e.history().nullHazard()).isGreaterThan(20 / (10_000 * 720.0));
    SequentialVerdict v = e.verdict(true, BUDGET);
    assertThat(v.test()).isEqualTo(SequentialVerdict.HISTORY);
    assertThat(v.reaches(DetectorAction.HALT)).isTrue();
    assertThat(v.rateRatio()).isGreaterThan(100);
  }

  @Test
  void aPushFailingAsItsPredecessorDidIsNotHalted() {
    SequentialEvidence e = SequentialEvidence.none();
    double[] before = history(20, 10_000 * 720.0);
    for (int look = 0; look < 720; look++) {
      // the predecessor's rate: 20 per 720 minutes of the whole fleet
      long failures = look % 36 == 0 ? 1 : 0;
      e.observe(failures, 0, 10_000, 0, 1, () -> before, BUDGET, FLOOR);
    }
    assertThat(e.verdict(true, BUDGET).reaches(DetectorAction.WATCH)).isFalse();
  }

  @Test
  void aComponentThatNeverHadASecondVersionIsNotTestedAgainstAHistoryItDoesNotHave() {
    SequentialEvidence e = SequentialEvidence.none();
    for (int look = 0; look < 10; look++) {
      e.observe(50, 0, 10_000, 0, 1, () -> history(0, 0), BUDGET, FLOOR);
    }
    assertThat(e.history()).isNull();
    assertThat(e.verdict(true, BUDGET).reaches(DetectorAction.WATCH)).isFalse();
  }

  @Test
  void aCanaryHaltedBeforeItWasPushedEverywhereKeepsItsTwoSampleEvidence() {
    SequentialEvidence e = SequentialEvidence.none();
    for (int look = 0; look < 5; look++) {
      e.observe(10, 0, 100, 9_900, 1, () -> history(0, 0), BUDGET, FLOOR);
    }
    // then the rollout went on regardless: every device runs it, and it fails no more than before
    e.observe(0, 0, 10_000, 0, 1, () -> history(5, 9_900 * 5.0), BUDGET, FLOOR);
    SequentialVerdict v = e.verdict(true, BUDGET);
    assertThat(v.test()).isEqualTo(SequentialVerdict.TWO_SAMPLE);
    assertThat(v.reaches(DetectorAction.HALT)).isTrue();
  }

  @Test
  void thresholdsFollowTheBudgetsSharesPerTestAndLevel() {
    SequentialVerdict two = new SequentialVerdict(SequentialVerdict.TWO_SAMPLE, 0, BUDGET, 1, 1, 1);
    SequentialVerdict hist = new SequentialVerdict(SequentialVerdict.HISTORY, 0, BUDGET, 1, 1, 1);
    assertThat(two.log10Threshold(DetectorAction.HALT)).isCloseTo(Math.log10(2_000), within());
    assertThat(two.log10Threshold(DetectorAction.ROLLBACK)).isCloseTo(Math.log10(20_000), within());
    assertThat(two.log10Threshold(DetectorAction.WATCH)).isCloseTo(Math.log10(200), within());
    assertThat(hist.log10Threshold(DetectorAction.HALT)).isCloseTo(Math.log10(4_000), within());
    assertThat(BUDGET.historyBound()).isCloseTo(2.5e-5, within());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
