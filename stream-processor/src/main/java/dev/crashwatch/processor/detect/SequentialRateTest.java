package dev.crashwatch.processor.detect;

import java.util.Arrays;

/**
 * An anytime-valid test that a version's failure rate is above its comparison group's: a mixture
 * likelihood-ratio e-process on the two counts of newly failing devices, after Lindon et al.,
 * "Rapid Regression Detection in Software Deployments through Sequential Testing" (KDD 2022).
 *
 * <p>The model. Between two looks, {@code a} devices newly fail on the version and {@code b} in its
 * comparison group, while a share {@code rho} of the devices at risk (exposed to the component and
 * not yet counted failed) runs the version. If a device's failure hazard on the version is {@code
 * theta} times the comparison group's, then given the {@code a + b} failures, each is on the
 * version with probability {@code pi(theta) = theta rho / (theta rho + 1 - rho)}: a binomial with a
 * known success probability under "no difference" ({@code theta = 1}, {@code pi = rho}). The
 * exposures may change at every look (a rollout); only the share at the look enters. The share must
 * be of devices at risk, not of all exposed devices: where many devices fail (a high base rate, a
 * long look), the group that has lost more of its devices to failure would otherwise look healthier
 * than it is.
 *
 * <p>The statistic. For each rate ratio {@code theta_j} of a fixed log-spaced grid the test keeps
 * the log likelihood ratio {@code l_j} of {@code theta_j} against {@code theta = 1}, summed over
 * every look. The e-value is the mixture {@code E = sum_j w_j exp(l_j)} over the ratios above 1,
 * with equal weights. Under the null ({@code theta <= 1}) each {@code exp(l_j)} with {@code theta_j
 * >= 1} is a non-negative supermartingale with mean at most 1, so is their mixture, and Ville's
 * inequality bounds the chance that {@code E} ever reaches {@code 1/alpha} by {@code alpha}:
 * however often it is looked at, for as long as the version lives. That is the false-alarm budget
 * of one version.
 *
 * <p>The confidence interval. The same grid, extended below 1, gives an anytime-valid interval for
 * the rate ratio: the grid ratios {@code theta_i} that the two-sided mixture against {@code
 * theta_i}, {@code sum_j exp(l_j - l_i) / J}, does not reject at {@code alpha}.
 *
 * <p>The state is the vector of {@code l_j} (a few dozen doubles per version), so it can live in a
 * state store and be restored exactly.
 */
public final class SequentialRateTest {

  /** The grid's ratios are {@code 2^(k/2)} for {@code k} in {@code [LOWEST_STEP, HIGHEST_STEP]}. */
  static final int LOWEST_STEP = -12;

  static final int HIGHEST_STEP = 26;

  /** Rate ratios of the grid, from 1/64 to 8192, each sqrt(2) times the one before. */
  static final double[] RATIOS;

  /** Index in {@link #RATIOS} of the first ratio above 1: the alternatives of the test. */
  static final int FIRST_ALTERNATIVE = 1 - LOWEST_STEP;

  static {
    RATIOS = new double[HIGHEST_STEP - LOWEST_STEP + 1];
    for (int k = LOWEST_STEP; k <= HIGHEST_STEP; k++) {
      RATIOS[k - LOWEST_STEP] = Math.pow(2, k / 2.0);
    }
  }

  private final double[] logLikelihoodRatios;

  /** A test that has seen nothing: every likelihood ratio is 1, the e-value is 1. */
  public SequentialRateTest() {
    this(new double[RATIOS.length]);
  }

  private SequentialRateTest(double[] logLikelihoodRatios) {
    this.logLikelihoodRatios = logLikelihoodRatios;
  }

  /**
   * A test restored from {@link #state()}; a state of another length (an older grid) starts over,
   * which only delays evidence, never invents it.
   */
  public static SequentialRateTest fromState(double[] state) {
    if (state == null || state.length != RATIOS.length) {
      return new SequentialRateTest();
    }
    return new SequentialRateTest(state.clone());
  }

  /** The state to store: the log likelihood ratio of each grid ratio against 1. */
  public double[] state() {
    return logLikelihoodRatios.clone();
  }

  /**
   * Takes in one look's new evidence.
   *
   * @param versionFailures devices that newly failed on the version since the last look
   * @param comparisonFailures devices that newly failed in the comparison group since the last look
   * @param versionShare the share of the version among the devices at risk at this look: those
   *     exposed to it and not yet counted failed on it, over the same for the version and its
   *     comparison group (a device counts once, so a failed device is no longer at risk); a share
   *     of 0 or 1 (no comparison) carries no information and is skipped
   */
  public void observe(long versionFailures, long comparisonFailures, double versionShare) {
    if (versionFailures < 0 || comparisonFailures < 0) {
      throw new IllegalArgumentException("failure counts cannot be negative");
    }
    if (versionFailures + comparisonFailures == 0 || !(versionShare > 0 && versionShare < 1)) {
      return;
    }
    double rho = versionShare;
    for (int j = 0; j < RATIOS.length; j++) {
      double theta = RATIOS[j];
      double pi = theta * rho / (theta * rho + 1 - rho);
      logLikelihoodRatios[j] +=
          versionFailures * Math.log(pi / rho)
              + comparisonFailures * Math.log((1 - pi) / (1 - rho));
    }
  }

  /** The e-value: the equal-weight mixture of the likelihood ratios of the ratios above 1. */
  public double eValue() {
    return Math.exp(logEValue());
  }

  /** The natural log of {@link #eValue()}, which stays finite where the e-value overflows. */
  public double logEValue() {
    return logMeanExp(logLikelihoodRatios, FIRST_ALTERNATIVE, RATIOS.length, 0.0);
  }

  /** True once the e-value has reached {@code 1/alpha}. */
  public boolean rejects(double alpha) {
    return logEValue() >= -Math.log(alpha);
  }

  /**
   * The anytime-valid confidence interval for the rate ratio at level {@code 1 - alpha}: the grid
   * ratios not rejected, widened by one grid step on each side, because the truth may lie between a
   * rejected grid ratio and a kept one. Before any evidence it is the whole grid.
   */
  public RatioInterval confidenceInterval(double alpha) {
    double threshold = -Math.log(alpha);
    int lowest = -1;
    int highest = -1;
    for (int i = 0; i < RATIOS.length; i++) {
      double logE = logMeanExp(logLikelihoodRatios, 0, RATIOS.length, logLikelihoodRatios[i]);
      if (logE < threshold) {
        if (lowest < 0) {
          lowest = i;
        }
        highest = i;
      }
    }
    if (lowest < 0) {
      // Every grid ratio is rejected: the truth lies between two of them, next to the likeliest.
      lowest = mostLikely();
      highest = lowest;
    }
    return new RatioInterval(
        RATIOS[Math.max(0, lowest - 1)], RATIOS[Math.min(RATIOS.length - 1, highest + 1)]);
  }

  /** The grid ratio with the greatest likelihood so far. */
  public double mostLikelyRatio() {
    return RATIOS[mostLikely()];
  }

  private int mostLikely() {
    int best = 0;
    for (int i = 1; i < RATIOS.length; i++) {
      if (logLikelihoodRatios[i] > logLikelihoodRatios[best]) {
        best = i;
      }
    }
    // No evidence at all: ratio 1.
    return logLikelihoodRatios[best] == 0 ? FIRST_ALTERNATIVE - 1 : best;
  }

  /** {@code log(mean_{from <= j < to} exp(values[j] - minus))}, without overflow. */
  private static double logMeanExp(double[] values, int from, int to, double minus) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = from; j < to; j++) {
      max = Math.max(max, values[j] - minus);
    }
    double sum = 0;
    for (int j = from; j < to; j++) {
      sum += Math.exp(values[j] - minus - max);
    }
    return max + Math.log(sum / (to - from));
  }

  @Override
  public String toString() {
    return "SequentialRateTest[logE="
        + logEValue()
        + ", l="
        + Arrays.toString(logLikelihoodRatios)
        + "]";
  }

  /** A confidence interval for a rate ratio. */
  public record RatioInterval(double lower, double upper) {}
}
