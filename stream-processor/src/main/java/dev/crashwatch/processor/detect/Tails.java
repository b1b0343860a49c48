package dev.crashwatch.processor.detect;

/**
 * Upper tail probabilities of the Poisson and binomial distributions, computed in log space.
 *
 * <p>Both tails are regularized incomplete functions: Poisson {@code P(X >= k | mu) = P(k, mu)}
 * (lower regularized incomplete gamma) and binomial {@code P(X >= k | n, p) = I_p(k, n - k + 1)}
 * (regularized incomplete beta). Summing probability mass terms instead would need up to n terms
 * and loses everything to underflow long before the p-values we compare with (1e-9 and far below).
 * Following Numerical Recipes (Press et al., 3rd ed., 6.2 and 6.4): the gamma function by its
 * series where it converges fast ({@code x < a + 1}) and by the continued fraction (modified Lentz)
 * for the complement otherwise; the beta function by its continued fraction, using the symmetry
 * {@code I_x(a, b) = 1 - I_{1-x}(b, a)} so that the fraction is always evaluated where it converges
 * quickly (in O(sqrt(max(a, b))) steps). The prefactors are taken as logarithms (via {@link
 * #logGamma}) so tails down to {@code exp(-700)} and beyond come out as finite logarithms; the
 * subtraction {@code 1 - Q} only happens where the tail is large, so no precision is lost for small
 * p-values.
 */
public final class Tails {

  private static final double EPS = 1e-15;
  private static final double FPMIN = Double.MIN_NORMAL / EPS;
  private static final int MAX_ITERATIONS = 100_000;
  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private Tails() {}

  /** ln Γ(x) for x > 0 (Lanczos, g = 7, about 15 significant digits). */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0: " + x);
    }
    if (x < 0.5) {
      // reflection: Γ(x) Γ(1 - x) = π / sin(πx)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double a = LANCZOS[0];
    double t = z + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (z + i);
    }
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** ln P(X >= k) for X ~ Poisson(mu). */
  public static double logPoissonUpperTail(long k, double mu) {
    if (k <= 0) {
      return 0.0;
    }
    if (mu <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return logLowerRegularizedGamma(k, mu);
  }

  /** P(X >= k) for X ~ Poisson(mu). */
  public static double poissonUpperTail(long k, double mu) {
    return Math.exp(logPoissonUpperTail(k, mu));
  }

  /** ln P(X >= k) for X ~ Binomial(n, p). */
  public static double logBinomialUpperTail(long k, long n, double p) {
    if (n < 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("bad binomial n=" + n + " p=" + p);
    }
    if (k <= 0) {
      return 0.0;
    }
    if (k > n || p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return 0.0;
    }
    return logRegularizedBeta(p, k, n - k + 1.0);
  }

  /** P(X >= k) for X ~ Binomial(n, p). */
  public static double binomialUpperTail(long k, long n, double p) {
    return Math.exp(logBinomialUpperTail(k, n, p));
  }

  /** ln P(a, x), the lower regularized incomplete gamma function, a > 0, x > 0. */
  static double logLowerRegularizedGamma(double a, double x) {
    double logPrefix = -x + a * Math.log(x) - logGamma(a);
    if (x < a + 1) {
      // series: P(a, x) = e^-x x^a / Γ(a) * sum x^n / (a (a+1) ... (a+n))
      double ap = a;
      double term = 1.0 / a;
      double sum = term;
      for (int n = 0; n < MAX_ITERATIONS; n++) {
        ap += 1;
        term *= x / ap;
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * EPS) {
          return logPrefix + Math.log(sum);
        }
      }
      throw new ArithmeticException("gamma series did not converge: a=" + a + " x=" + x);
    }
    // continued fraction for Q(a, x) = 1 - P(a, x), here Q <= about 1/2 so 1 - Q is exact enough
    double b = x + 1 - a;
    double c = 1 / FPMIN;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = b + an / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        return Math.log1p(-Math.exp(logPrefix + Math.log(h)));
      }
    }
    throw new ArithmeticException("gamma fraction did not converge: a=" + a + " x=" + x);
  }

  /** ln I_x(a, b), the regularized incomplete beta function, 0 < x < 1, a, b > 0. */
  static double logRegularizedBeta(double x, double a, double b) {
    double logFront =
        logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
      return logFront + Math.log(betaFraction(x, a, b)) - Math.log(a);
    }
    // here I_x(a, b) is large (above about 1/2): the complement is small, 1 - it loses nothing
    double complement = Math.exp(logFront + Math.log(betaFraction(1 - x, b, a)) - Math.log(b));
    return Math.log1p(-complement);
  }

  /** The continued fraction of the incomplete beta function (modified Lentz). */
  private static double betaFraction(double x, double a, double b) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < FPMIN) {
      d = FPMIN;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= MAX_ITERATIONS; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        return h;
      }
    }
    throw new ArithmeticException("beta fraction did not converge: a=" + a + " b=" + b + " x=" + x);
  }
}
