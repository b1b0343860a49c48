package dev.crashwatch.processor.detect;

/**
 * Is a version's failure rate, {@code (crashed + silent) / exposed}, significantly above its
 * baseline's?
 *
 * <p>The test is the one-sided exact binomial test: with {@code k} failing devices out of {@code n}
 * exposed and a baseline rate {@code p0}, the p-value is {@code P(X >= k)} for {@code X ~
 * Binomial(n, p0)} (see {@link Tails}). It is exact for small counts, where normal approximations
 * raise false alarms, and stays correct for large rates (a boot loop crashing most devices), where
 * the Poisson approximation would not. The baseline rate is smoothed and floored (see {@link
 * #baselineRate}), so an empty or crash-free baseline is neither a division by zero nor an instant
 * alarm. Each level then needs three gates, all scaled by the thresholds: at least its minimum of
 * distinct failing devices, a rate at least {@code minRateRatio} times the baseline, and a p-value
 * below its level; ROLLBACK also needs the window's top faulting module to be the component's own,
 * whatever the rate ratio.
 */
public final class SpikeTest {

  private final DetectorThresholds thresholds;

  public SpikeTest(DetectorThresholds thresholds) {
    this.thresholds = thresholds;
  }

  public DetectorThresholds thresholds() {
    return thresholds;
  }

  /**
   * The baseline rate used by the test: {@code max(floor, (f + 1/2) / (n + 1))} for {@code f}
   * failing devices of {@code n} in the baseline, and the floor itself when the baseline has no
   * device at all. The half-count smoothing (Jeffreys-style) keeps a crash-free baseline from being
   * a zero rate; the floor (the fleet's ordinary failure rate over the window) keeps a large
   * crash-free baseline from making one or two crashes an alarm. A tiny baseline gives a high,
   * conservative rate (1 device: at least 1/4), so it cannot produce an alarm by itself either.
   */
  public double baselineRate(Baseline baseline) {
    double floor = thresholds.baselineRateFloor();
    if (baseline.exposedDevices() == 0) {
      return floor;
    }
    double smoothed = (baseline.failedDevices() + 0.5) / (baseline.exposedDevices() + 1.0);
    return Math.min(Math.max(floor, smoothed), 1.0);
  }

  /** Tests {@code figures} against {@code baseline}. */
  public TestResult test(VersionFigures figures, Baseline baseline) {
    long n = figures.exposedDevices();
    long k = figures.failedDevices();
    double p0 = baselineRate(baseline);
    if (n == 0) {
      return new TestResult(
          0,
          0,
          0,
          p0,
          baseline.kind(),
          0,
          1.0,
          0.0,
          0.0,
          false,
          Gate.NO_EXPOSURE,
          DetectorAction.NONE,
          null);
    }
    double rate = (double) k / n;
    double ratio = rate / p0;
    double expected = n * p0;
    double variance = expected * (1 - p0);
    double z = variance > 0 ? (k - expected) / Math.sqrt(variance) : (k > expected ? 1e9 : 0);
    double logP = Tails.logBinomialUpperTail(k, n, p0);
    double p = Math.exp(logP);

    Gate watchGate = gate(k, ratio, p, thresholds.watchMinDevices(), thresholds.watchMaxPValue());
    DetectorAction level = DetectorAction.NONE;
    if (watchGate == Gate.NONE) {
      level = DetectorAction.WATCH;
      if (gate(k, ratio, p, thresholds.haltMinDevices(), thresholds.haltMaxPValue()) == Gate.NONE) {
        level = DetectorAction.HALT;
        if (figures.moduleBelongsToComponent()
            && gate(k, ratio, p, thresholds.rollbackMinDevices(), thresholds.rollbackMaxPValue())
                == Gate.NONE) {
          level = DetectorAction.ROLLBACK;
        }
      }
    }
    return new TestResult(
        k,
        n,
        rate,
        p0,
        baseline.kind(),
        ratio,
        p,
        logP,
        z,
        watchGate == Gate.NONE,
        watchGate,
        level,
        null);
  }

  /**
   * Tests {@code figures} within a stratum (the devices not running some other version) against its
   * siblings in the same stratum, as blame does. Unlike {@link #test}, whose caller has already
   * turned a version without siblings to its history, an empty comparison group here is not a
   * baseline at the floor: it is no comparison at all, and the result does not pass ({@link
   * Gate#NO_COMPARISON}). The stratum that has one side and not the other is the few devices a
   * fleet-wide rollout left behind on the old version, and they are not a random few: a device
   * whose update was never reported because it crashed at once is one of them.
   */
  public TestResult testStratified(VersionFigures figures, Baseline stratumBaseline) {
    TestResult r = test(figures, stratumBaseline);
    if (stratumBaseline.exposedDevices() > 0 || r.exposedDevices() == 0) {
      return r;
    }
    return new TestResult(
        r.failedDevices(),
        r.exposedDevices(),
        r.rate(),
        r.baselineRate(),
        r.baselineKind(),
        r.rateRatio(),
        1.0,
        0.0,
        0.0,
        false,
        Gate.NO_COMPARISON,
        DetectorAction.NONE,
        null);
  }

  /**
   * The level of a version decided by its anytime-valid evidence: the highest level whose minimum
   * of distinct failing devices in the window, whose rate ratio (the window's against the
   * comparison group, or the history test's against the history) and whose e-value threshold all
   * pass; ROLLBACK needs the window's top faulting module to be the component's own besides. The
   * window gates make a signal end when the failures stop (the e-value, once high, stays high);
   * they only ever remove alarms, so the budget holds (see {@link FalseAlarmBudget}).
   */
  public TestResult decide(
      TestResult window, SequentialVerdict verdict, boolean moduleBelongsToComponent) {
    if (window.exposedDevices() == 0) {
      return withLevel(window, verdict, Gate.NO_EXPOSURE, DetectorAction.NONE);
    }
    double ratio = verdict.history() ? verdict.rateRatio() : window.rateRatio();
    Gate watchGate = sequentialGate(window.failedDevices(), ratio, verdict, DetectorAction.WATCH);
    DetectorAction level = DetectorAction.NONE;
    if (watchGate == Gate.NONE) {
      level = DetectorAction.WATCH;
      if (sequentialGate(window.failedDevices(), ratio, verdict, DetectorAction.HALT)
          == Gate.NONE) {
        level = DetectorAction.HALT;
        if (moduleBelongsToComponent
            && sequentialGate(window.failedDevices(), ratio, verdict, DetectorAction.ROLLBACK)
                == Gate.NONE) {
          level = DetectorAction.ROLLBACK;
        }
      }
    }
    return withLevel(window, verdict, watchGate, level);
  }

  private static TestResult withLevel(
      TestResult w, SequentialVerdict verdict, Gate watchGate, DetectorAction level) {
    return new TestResult(
        w.failedDevices(),
        w.exposedDevices(),
        w.rate(),
        w.baselineRate(),
        w.baselineKind(),
        verdict.history() ? verdict.rateRatio() : w.rateRatio(),
        w.pValue(),
        w.logPValue(),
        w.z(),
        watchGate == Gate.NONE,
        watchGate,
        level,
        verdict);
  }

  private Gate sequentialGate(
      long failed, double ratio, SequentialVerdict verdict, DetectorAction level) {
    if (failed < minDevices(level)) {
      return Gate.MIN_DEVICES;
    }
    if (ratio < thresholds.minRateRatio()) {
      return Gate.RATE_RATIO;
    }
    if (!verdict.reaches(level)) {
      return Gate.E_VALUE;
    }
    return Gate.NONE;
  }

  private int minDevices(DetectorAction level) {
    return switch (level) {
      case WATCH -> thresholds.watchMinDevices();
      case HALT -> thresholds.haltMinDevices();
      default -> thresholds.rollbackMinDevices();
    };
  }

  /** Why {@code figures} would not reach {@code level}, or {@link Gate#NONE} if it does. */
  public Gate failedGate(TestResult result, boolean moduleBelongs, DetectorAction level) {
    if (result.exposedDevices() == 0) {
      return Gate.NO_EXPOSURE;
    }
    long k = result.failedDevices();
    double ratio = result.rateRatio();
    double p = result.pValue();
    return switch (level) {
      case NONE, RESOLVED -> Gate.NONE;
      case WATCH -> gate(k, ratio, p, thresholds.watchMinDevices(), thresholds.watchMaxPValue());
      case HALT -> gate(k, ratio, p, thresholds.haltMinDevices(), thresholds.haltMaxPValue());
      case ROLLBACK -> {
        Gate g = gate(k, ratio, p, thresholds.rollbackMinDevices(), thresholds.rollbackMaxPValue());
        if (g == Gate.NONE && !moduleBelongs) {
          g = Gate.MODULE;
        }
        yield g;
      }
    };
  }

  private Gate gate(long k, double ratio, double p, int minDevices, double maxPValue) {
    if (k < minDevices) {
      return Gate.MIN_DEVICES;
    }
    if (ratio < thresholds.minRateRatio()) {
      return Gate.RATE_RATIO;
    }
    if (!(p < maxPValue)) {
      return Gate.P_VALUE;
    }
    return Gate.NONE;
  }
}
