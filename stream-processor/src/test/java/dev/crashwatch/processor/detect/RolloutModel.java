package dev.crashwatch.processor.detect;

import java.util.SplittableRandom;

/**
 * One rollout as the detector sees it, minute by minute: a version reaches {@code ringDevices}
 * devices spread evenly over {@code spreadMinutes}, beside a comparison group of {@code
 * comparisonDevices} on the component's other versions. Every device fails at {@code
 * baselinePerDeviceDay}; with a fault, each device of the ring also fails because of it with
 * probability {@code excessShare}, at a time after taking the version drawn uniformly from {@code
 * [1, faultDelayMinutes]} minutes. A device counts once, as the detector counts distinct failing
 * devices.
 *
 * <p>Evaluated every minute as the processor does: each look hands the new failures of the minute
 * and the devices at risk on each side to the version's {@link SequentialEvidence}, and HALT is
 * decided as the detector decides it, at the two-sample test's share of the budget.
 */
record RolloutModel(
    long ringDevices,
    long comparisonDevices,
    double baselinePerDeviceDay,
    int spreadMinutes,
    double excessShare,
    int faultDelayMinutes) {

  /** What one run of the model gave. */
  record Outcome(int haltMinute, int firstFaultyFailureMinute, long versionFailuresAtHalt) {
    boolean halted() {
      return haltMinute >= 0;
    }
  }

  /**
   * Runs the rollout for {@code minutes}, looking every minute; HALT is the first look at which the
   * evidence reaches HALT for a false-alarm budget of {@code alpha} per version, with at least
   * {@code minDevices} failing devices on the version.
   */
  Outcome run(SplittableRandom random, int minutes, double alpha, int minDevices) {
    double hazard = baselinePerDeviceDay / (24 * 60);
    long[] faultyFailuresByMinute = faultyFailures(random, minutes);
    FalseAlarmBudget budget = new FalseAlarmBudget(alpha);
    SequentialEvidence evidence = SequentialEvidence.none();
    // Devices at risk: not yet counted failed where they are. A ring device counts in the
    // comparison group until it takes the version; its failure there leaves with it (the detector
    // moves a device's crashes with its exposure), so on the version it starts at risk again.
    long comparisonAtRisk = comparisonDevices;
    long pendingAtRisk = ringDevices;
    long pendingFailed = 0;
    long versionAtRisk = 0;
    long versionFailed = 0;
    long exposed = 0;
    int firstFaulty = -1;
    for (int minute = 0; minute < minutes; minute++) {
      long nowExposed =
          Math.min(ringDevices, ringDevices * (minute + 1) / Math.max(1, spreadMinutes));
      long taking = nowExposed - exposed;
      exposed = nowExposed;
      long pending = pendingAtRisk + pendingFailed;
      long takingFailed = pending == 0 ? 0 : Math.round((double) taking * pendingFailed / pending);
      pendingFailed -= takingFailed;
      pendingAtRisk -= taking - takingFailed;
      versionAtRisk += taking;

      long versionAtLook = versionAtRisk;
      long comparisonAtLook = comparisonAtRisk + pendingAtRisk;
      long faulty = faultyFailuresByMinute[minute];
      if (faulty > 0 && firstFaulty < 0) {
        firstFaulty = minute;
      }
      long onVersion =
          Math.min(versionAtRisk, faulty + Poisson.sample(random, versionAtRisk * hazard));
      long inComparison =
          Math.min(comparisonAtRisk, Poisson.sample(random, comparisonAtRisk * hazard));
      long inPending = Math.min(pendingAtRisk, Poisson.sample(random, pendingAtRisk * hazard));
      versionAtRisk -= onVersion;
      versionFailed += onVersion;
      comparisonAtRisk -= inComparison;
      pendingAtRisk -= inPending;
      pendingFailed += inPending;
      evidence.observe(
          onVersion,
          inComparison + inPending,
          versionAtLook,
          comparisonAtLook,
          1,
          () -> new double[2],
          budget,
          0);
      if (versionFailed >= minDevices
          && evidence
              .verdict(SequentialEvidence.alone(versionAtLook, comparisonAtLook), budget)
              .reaches(DetectorAction.HALT)) {
        return new Outcome(minute, firstFaulty, versionFailed);
      }
    }
    return new Outcome(-1, firstFaulty, versionFailed);
  }

  /** Devices failing because of the fault, per minute (none without a fault). */
  private long[] faultyFailures(SplittableRandom random, int minutes) {
    long[] perMinute = new long[minutes];
    if (excessShare <= 0) {
      return perMinute;
    }
    long faulty = Binomial.sample(random, ringDevices, excessShare);
    for (long d = 0; d < faulty; d++) {
      int took = spreadMinutes <= 1 ? 0 : random.nextInt(spreadMinutes);
      int at = took + 1 + random.nextInt(Math.max(1, faultDelayMinutes));
      if (at < minutes) {
        perMinute[at]++;
      }
    }
    return perMinute;
  }

  /** Poisson draws: exact (Knuth) for small means, a rounded normal for large ones. */
  static final class Poisson {
    private Poisson() {}

    static long sample(SplittableRandom random, double mean) {
      if (mean <= 0) {
        return 0;
      }
      if (mean > 50) {
        return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
      }
      double limit = Math.exp(-mean);
      double product = random.nextDouble();
      long k = 0;
      while (product > limit) {
        product *= random.nextDouble();
        k++;
      }
      return k;
    }
  }

  /** Binomial draws through the Poisson or normal approximation where they are exact enough. */
  static final class Binomial {
    private Binomial() {}

    static long sample(SplittableRandom random, long n, double p) {
      if (n < 200) {
        long k = 0;
        for (long i = 0; i < n; i++) {
          if (random.nextDouble() < p) {
            k++;
          }
        }
        return k;
      }
      double mean = n * p;
      double sd = Math.sqrt(mean * (1 - p));
      return Math.max(0, Math.min(n, Math.round(mean + sd * random.nextGaussian())));
    }
  }
}
