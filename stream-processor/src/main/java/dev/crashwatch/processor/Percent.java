package dev.crashwatch.processor;

import java.util.Locale;

/**
 * A share as a percentage for people to read: two decimals (0.46%), or two significant digits below
 * 0.1% (0.0011%), so that a version with one crash among five million devices never reads 0.00% in
 * a log line, a signal's reason or a dashboard. Only a share of exactly zero prints as 0%.
 */
public final class Percent {
  private Percent() {}

  /** {@code part} of {@code whole} (devices, say); "-" when there is no whole to share. */
  public static String of(long part, long whole) {
    return whole <= 0 ? "-" : ofFraction((double) part / whole);
  }

  /** A fraction (0.0046 for 0.46%). */
  public static String ofFraction(double fraction) {
    double percent = 100 * fraction;
    if (percent == 0) {
      return "0%";
    }
    if (Math.abs(percent) >= 0.1) {
      return String.format(Locale.ROOT, "%.2f%%", percent);
    }
    // two significant digits: 0.0011% has 4 decimals, 0.000011% 6
    int decimals = 1 - (int) Math.floor(Math.log10(Math.abs(percent)));
    return String.format(Locale.ROOT, "%." + decimals + "f%%", percent);
  }
}
