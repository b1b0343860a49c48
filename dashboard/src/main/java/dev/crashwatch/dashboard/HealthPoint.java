package dev.crashwatch.dashboard;

/**
 * One point of a version's chart: the time of a health snapshot (epoch milliseconds), the version's
 * crash rate and its comparison group's. Only these three are kept per snapshot, so that a
 * dashboard holding a thousand live versions stays small; the full latest snapshot is kept apart.
 */
public record HealthPoint(long time, double crashRate, double baselineRate) {

  static HealthPoint of(HealthSnapshot s) {
    return new HealthPoint(s.time(), s.crashRate(), s.baselineRate());
  }
}
