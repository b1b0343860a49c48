package dev.crashwatch.processor.detect;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The power of the HALT test: for first rings of 1,000 to 1,000,000 devices and excess crash rates
 * of 0.5% to 90%, the median time from the first faulty crash to HALT, over seeded runs of {@link
 * RolloutModel} at the default budget and minimum evidence.
 *
 * <p>Run: {@code ./mvnw -q -pl stream-processor -am test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.crashwatch.processor.detect.PowerTable
 * -Dexec.args=docs/power-table.png} (see the README); prints the table and writes the chart.
 */
public final class PowerTable {

  static final long[] RING_DEVICES = {1_000, 10_000, 100_000, 1_000_000};
  static final double[] EXCESS = {0.005, 0.01, 0.03, 0.1, 0.3, 0.9};

  /** The rest of the fleet: the first ring is a tenth of it. */
  static final int COMPARISON_FACTOR = 9;

  static final double BASELINE_PER_DEVICE_DAY = 0.002;
  static final int SPREAD_MINUTES = 10;

  /** Faulty devices crash between 1 and this many minutes after they take the version. */
  static final int FAULT_DELAY_MINUTES = 30;

  static final int HORIZON_MINUTES = 180;
  static final double ALPHA = 1e-3;
  static final int MIN_DEVICES = 5;
  static final int RUNS = 21;

  private PowerTable() {}

  /**
   * Median minutes from the first faulty crash to HALT over {@link #RUNS} seeded runs; {@code
   * Double.NaN} when fewer than half of the runs halted within the horizon.
   */
  static double medianMinutesToHalt(long ring, double excess, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RolloutModel model =
        new RolloutModel(
            ring,
            ring * COMPARISON_FACTOR,
            BASELINE_PER_DEVICE_DAY,
            SPREAD_MINUTES,
            excess,
            FAULT_DELAY_MINUTES);
    double[] minutes = new double[RUNS];
    for (int run = 0; run < RUNS; run++) {
      RolloutModel.Outcome outcome = model.run(random, HORIZON_MINUTES, ALPHA, MIN_DEVICES);
      minutes[run] =
          outcome.halted()
              ? Math.max(0, outcome.haltMinute() - outcome.firstFaultyFailureMinute())
              : Double.POSITIVE_INFINITY;
    }
    Arrays.sort(minutes);
    double median = minutes[RUNS / 2];
    return Double.isInfinite(median) ? Double.NaN : median;
  }

  public static void main(String[] args) throws IOException {
    double[][] table = new double[RING_DEVICES.length][EXCESS.length];
    StringBuilder header = new StringBuilder(String.format("%-22s", "first ring \\ excess"));
    for (double excess : EXCESS) {
      header.append(String.format(Locale.ROOT, "%9s", percent(excess)));
    }
    System.out.printf(
        "median minutes from the first faulty crash to HALT (%d seeded runs each; budget %s,"
            + " at least %d failing devices; rest of fleet %dx the ring at %.3f crashes per"
            + " device-day; faulty devices crash 1-%d min after taking the version, spread over"
            + " %d min)%n",
        RUNS,
        ALPHA,
        MIN_DEVICES,
        COMPARISON_FACTOR,
        BASELINE_PER_DEVICE_DAY,
        FAULT_DELAY_MINUTES,
        SPREAD_MINUTES);
    System.out.println(header);
    for (int r = 0; r < RING_DEVICES.length; r++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%,-22d", RING_DEVICES[r]));
      for (int e = 0; e < EXCESS.length; e++) {
        table[r][e] = medianMinutesToHalt(RING_DEVICES[r], EXCESS[e], 1000L * r + e);
        row.append(
            String.format(
                "%9s", Double.isNaN(table[r][e]) ? "-" : String.format("%.0f", table[r][e])));
      }
      System.out.println(row);
    }
    System.out.println("(- : not halted within " + HORIZON_MINUTES + " min in most runs)");
    if (args.length > 0) {
      Path png = Path.of(args[0]);
      draw(table, png);
      System.out.println("chart written to " + png);
    }
  }

  private static void draw(double[][] table, Path png) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int r = 0; r < RING_DEVICES.length; r++) {
      XYSeries series =
          new XYSeries(String.format(Locale.ROOT, "first ring of %,d devices", RING_DEVICES[r]));
      for (int e = 0; e < EXCESS.length; e++) {
        if (!Double.isNaN(table[r][e])) {
          series.add(100 * EXCESS[e], table[r][e]);
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Time to HALT after the first faulty crash (median, budget 1 in 1,000)",
            "excess crash rate of the faulty version (% of its devices, log scale)",
            "minutes to HALT",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    LogAxis x =
        new LogAxis("excess crash rate of the faulty version (% of its devices, log scale)");
    x.setSmallestValue(0.1);
    x.setBase(10);
    x.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
    x.setNumberFormatOverride(
        new DecimalFormat("0.#'%'", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    plot.setDomainAxis(x);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {
      new Color(0xD6, 0x27, 0x28),
      new Color(0x1F, 0x77, 0xB4),
      new Color(0x2C, 0xA0, 0x2C),
      new Color(0x94, 0x67, 0xBD)
    };
    for (int r = 0; r < RING_DEVICES.length; r++) {
      renderer.setSeriesStroke(r, new BasicStroke(2f));
      renderer.setSeriesPaint(r, colors[r % colors.length]);
    }
    plot.setRenderer(renderer);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, share < 0.01 ? "%.1f%%" : "%.0f%%", 100 * share);
  }
}
