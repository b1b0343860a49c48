package dev.crashwatch.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What two configurations signalled on the same input, side by side. A signal of one is matched
 * with the signal of the other that has the same version, the same action and the same rank among
 * that version's signals of that action (the first HALT with the first HALT), because episode
 * numbers and times are exactly what differs between configurations.
 */
final class SignalComparison {

  /** One signal: the version, the action and the detector's decision time (stream time). */
  record Decision(String target, String action, Instant time) {}

  /**
   * One line of the table.
   *
   * @param production when the production configuration decided it, or null if it did not
   * @param candidate when the candidate decided it, or null if it did not
   * @param interval the detector's evaluation interval: decisions in the same interval are the same
   *     evaluation (their seconds are those of the record that moved stream time past its start,
   *     which two runs need not share)
   */
  record Row(
      String target, String action, Instant production, Instant candidate, Duration interval) {

    String difference() {
      if (production == null) {
        return "candidate only";
      }
      if (candidate == null) {
        return "production only";
      }
      long evaluations = evaluation(candidate) - evaluation(production);
      if (evaluations == 0) {
        return "same";
      }
      return "candidate "
          + human(interval.multipliedBy(Math.abs(evaluations)))
          + (evaluations < 0 ? " earlier" : " later");
    }

    private long evaluation(Instant t) {
      return Math.floorDiv(t.toEpochMilli(), Math.max(1, interval.toMillis()));
    }

    boolean differs() {
      return !"same".equals(difference());
    }

    Instant first() {
      return production == null
          ? candidate
          : candidate == null || production.isBefore(candidate) ? production : candidate;
    }
  }

  private static final List<String> ACTIONS = List.of("WATCH", "HALT", "ROLLBACK", "RESOLVED");

  private SignalComparison() {}

  /** The rows, earliest first; {@code interval} is the finer of the two detector intervals. */
  static List<Row> compare(List<Decision> production, List<Decision> candidate, Duration interval) {
    Map<List<Object>, Instant[]> matched = new LinkedHashMap<>();
    place(production, 0, matched);
    place(candidate, 1, matched);
    List<Row> rows = new ArrayList<>();
    matched.forEach(
        (key, times) ->
            rows.add(
                new Row((String) key.get(0), (String) key.get(1), times[0], times[1], interval)));
    rows.sort(
        Comparator.comparing(Row::first)
            .thenComparing(Row::target)
            .thenComparing(r -> ACTIONS.indexOf(r.action())));
    return rows;
  }

  private static void place(List<Decision> decisions, int side, Map<List<Object>, Instant[]> out) {
    Map<List<String>, Integer> rank = new HashMap<>();
    decisions.stream()
        .sorted(Comparator.comparing(Decision::time))
        .forEach(
            d -> {
              int n = rank.merge(List.of(d.target(), d.action()), 1, Integer::sum);
              out.computeIfAbsent(List.of(d.target(), d.action(), n), k -> new Instant[2])[side] =
                  d.time();
            });
  }

  /** Prints the table: version, action, each configuration's decision time, the difference. */
  static void print(List<Row> rows, PrintStream out) {
    int width = Math.max(17, rows.stream().mapToInt(r -> r.target().length()).max().orElse(0));
    String format = "  %-" + width + "s  %-8s  %-20s  %-20s  %s%n";
    out.printf(format, "component@version", "action", "production", "candidate", "difference");
    for (Row r : rows) {
      out.printf(
          format,
          r.target(),
          r.action(),
          time(r.production()),
          time(r.candidate()),
          r.difference());
    }
    if (rows.isEmpty()) {
      out.println("  (neither configuration raised a signal)");
    }
  }

  /** To the second: the difference column gives anything finer. */
  private static String time(Instant t) {
    return t == null
        ? "-"
        : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ');
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3_600) {
      return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
    return (s / 3_600) + " h " + (s % 3_600 / 60) + " min";
  }
}
