package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpikeTestTest {

  private final SpikeTest test = new SpikeTest(DetectorThresholds.DEFAULTS);

  /** A 0.1% baseline on 100,000 devices. */
  private static final Baseline TENTH_PERCENT =
      new Baseline(Baseline.REST_OF_FLEET, 100, 0, 100_000);

  @Test
  void zeroCrashesNeverSignal() {
    TestResult r = test.test(VersionFigures.of("c", "1", 10_000, 0, 0), TENTH_PERCENT);
    assertThat(r.level()).isEqualTo(DetectorAction.NONE);
    assertThat(r.passes()).isFalse();
    assertThat(r.failedGate()).isEqualTo(Gate.MIN_DEVICES);
    assertThat(r.pValue()).isEqualTo(1.0);
  }

  @Test
  void aStratumWithoutComparisonDevicesDoesNotPassWhereTheFloorWould() {
    VersionFigures fourOfFive = VersionFigures.of("c", "1", 5, 4, 0);
    Baseline none = new Baseline(Baseline.REST_OF_FLEET, 0, 0, 0);
    assertThat(test.test(fourOfFive, none).passes()).isTrue(); // against the floor

    TestResult r = test.testStratified(fourOfFive, none);

    assertThat(r.passes()).isFalse();
    assertThat(r.failedGate()).isEqualTo(Gate.NO_COMPARISON);
    assertThat(r.level()).isEqualTo(DetectorAction.NONE);
    // with any comparison device it is the ordinary test
    assertThat(test.testStratified(fourOfFive, TENTH_PERCENT))
        .isEqualTo(test.test(fourOfFive, TENTH_PERCENT));
  }

  @Test
  void twoCrashesOnTenDevicesDoNotHalt() {
    TestResult r = test.test(VersionFigures.of("c", "1", 10, 2, 0), TENTH_PERCENT);
    assertThat(r.level().severity()).isLessThan(DetectorAction.HALT.severity());
    assertThat(r.pValue()).isLessThan(1e-3); // significant, but two devices are not evidence
    assertThat(r.failedGate()).isEqualTo(Gate.MIN_DEVICES);
  }

  @Test
  void threeCrashesOnTenDevicesWatchButDoNotHalt() {
    TestResult r = test.test(VersionFigures.of("c", "1", 10, 3, 0), TENTH_PERCENT);
    assertThat(r.pValue()).isLessThan(1e-6);
    assertThat(r.level()).isEqualTo(DetectorAction.WATCH);
    assertThat(test.failedGate(r, false, DetectorAction.HALT)).isEqualTo(Gate.MIN_DEVICES);
  }

  @Test
  void zeroOrEmptyBaselineIsTheFloorNotAnAlarm() {
    Baseline crashFree = new Baseline(Baseline.REST_OF_FLEET, 0, 0, 50_000);
    Baseline empty = new Baseline(Baseline.PREVIOUS_VERSION, 0, 0, 0);
    assertThat(test.baselineRate(crashFree)).isEqualTo(1e-4);
    assertThat(test.baselineRate(empty)).isEqualTo(1e-4);
    assertThat(test.test(VersionFigures.of("c", "1", 100, 1, 0), crashFree).level())
        .isEqualTo(DetectorAction.NONE);
    assertThat(test.test(VersionFigures.of("c", "1", 100, 1, 0), empty).level())
        .isEqualTo(DetectorAction.NONE);
  }

  @Test
  void largeBaselineUsesItsOwnRate() {
    assertThat(test.baselineRate(new Baseline(Baseline.REST_OF_FLEET, 1_000, 0, 100_000)))
        .isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-4));
  }

  @Test
  void clearSpikeWithTheComponentsOwnModuleIsRollback() {
    VersionFigures canary291 =
        new VersionFigures(
            "acme.sensor-content",
            "291",
            2_000,
            null,
            1_260,
            0,
            null,
            null,
            "0x50",
            1_260,
            "acmesensor.sys",
            1_260,
            true,
            1_260);
    TestResult r = test.test(canary291, new Baseline(Baseline.REST_OF_FLEET, 10, 0, 98_000));
    assertThat(r.level()).isEqualTo(DetectorAction.ROLLBACK);
    assertThat(r.pValue()).isEqualTo(0.0); // underflows; the log stays finite
    assertThat(r.logPValue()).isLessThan(-5_000).isFinite();
    assertThat(r.z()).isGreaterThan(100);
    assertThat(r.rateRatio()).isGreaterThan(1_000);
  }

  @Test
  void rollbackWithoutTheModuleIsHaltWhateverTheRate() {
    Baseline halfPercent = new Baseline(Baseline.REST_OF_FLEET, 500, 0, 100_000);
    TestResult tenfold = test.test(VersionFigures.of("c", "1", 10_000, 500, 0), halfPercent);
    assertThat(tenfold.level()).isEqualTo(DetectorAction.HALT);
    assertThat(test.failedGate(tenfold, false, DetectorAction.ROLLBACK)).isEqualTo(Gate.MODULE);
    assertThat(test.failedGate(tenfold, true, DetectorAction.ROLLBACK)).isEqualTo(Gate.NONE);

    // a fortyfold rate without the module was a ROLLBACK before: no ratio stands in for the module
    TestResult fortyfold = test.test(VersionFigures.of("c", "1", 10_000, 2_000, 0), halfPercent);
    assertThat(fortyfold.level()).isEqualTo(DetectorAction.HALT);
    assertThat(test.failedGate(fortyfold, false, DetectorAction.ROLLBACK)).isEqualTo(Gate.MODULE);
  }

  @Test
  void smallRiseIsNotAnAlarmHoweverSignificant() {
    // 1.5x on a million devices: p is tiny but the effect is not a bad release
    TestResult r =
        test.test(
            VersionFigures.of("c", "1", 1_000_000, 15_000, 0),
            new Baseline(Baseline.REST_OF_FLEET, 10_000, 0, 1_000_000));
    assertThat(r.pValue()).isLessThan(1e-9);
    assertThat(r.level()).isEqualTo(DetectorAction.NONE);
    assertThat(r.failedGate()).isEqualTo(Gate.RATE_RATIO);
  }

  @Test
  void fleetWideRiseHittingEveryVersionEquallyPassesNone() {
    VersionFigures a = VersionFigures.of("windows", "22631", 60_000, 3_000, 0);
    VersionFigures b = VersionFigures.of("windows", "19045", 40_000, 2_000, 0);
    var all = java.util.List.of(a, b);
    for (VersionFigures v : all) {
      TestResult r = test.test(v, Baseline.restOfFleet(v, all));
      assertThat(r.level()).as(v.key()).isEqualTo(DetectorAction.NONE);
      assertThat(r.failedGate()).isEqualTo(Gate.RATE_RATIO);
    }
  }

  @Test
  void tenantWideSilenceSpreadOverEveryVersionPassesNone() {
    // a network outage silences 2.5% of the fleet, on every version alike
    VersionFigures a = VersionFigures.of("acme.sensor", "7.11", 70_000, 7, 1_750);
    VersionFigures b = VersionFigures.of("acme.sensor", "7.10", 30_000, 3, 750);
    var all = java.util.List.of(a, b);
    for (VersionFigures v : all) {
      assertThat(test.test(v, Baseline.restOfFleet(v, all)).passes()).as(v.key()).isFalse();
    }
  }

  @Test
  void silentDevicesCountAgainstTheVersion() {
    // a boot loop that cannot upload: no crash reports at all, but the devices went silent
    TestResult r = test.test(VersionFigures.of("c", "2", 2_000, 0, 1_200), TENTH_PERCENT);
    // no report, so no module evidence: HALT, whatever the rate (ROLLBACK needs the module)
    assertThat(r.level()).isEqualTo(DetectorAction.HALT);
    assertThat(r.failedDevices()).isEqualTo(1_200);
  }

  @Test
  void noExposureIsNoTest() {
    TestResult r = test.test(VersionFigures.of("c", "1", 0, 0, 0), TENTH_PERCENT);
    assertThat(r.failedGate()).isEqualTo(Gate.NO_EXPOSURE);
    assertThat(r.level()).isEqualTo(DetectorAction.NONE);
  }
}
