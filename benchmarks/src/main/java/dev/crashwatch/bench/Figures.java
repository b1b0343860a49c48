package dev.crashwatch.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles of a benchmark's runs, and the verdict against a target. */
final class Figures {

  private Figures() {}

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile: with few runs, a value that was measured, never an interpolation. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** "meets the target" or "BELOW the target", for a figure where more is better. */
  static String atLeast(double figure, double target) {
    return figure >= target ? "meets the target" : "BELOW the target";
  }

  /** "meets the target" or "ABOVE the target", for a figure where less is better. */
  static String atMost(double figure, double target) {
    return figure <= target ? "meets the target" : "ABOVE the target";
  }
}
