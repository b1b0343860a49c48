package dev.crashwatch.processor.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test fleet as cells of devices that run the same versions, from which the detector's inputs
 * (figures, cross counts, spike tests) are computed exactly as the processor would count them.
 */
final class Fleet {

  private record Cell(List<String> keys, long exposed, long failed) {}

  private final List<Cell> cells = new ArrayList<>();
  private final Map<String, Boolean> moduleBelongs = new HashMap<>();
  private final Map<String, Long> ownModuleCrashes = new HashMap<>();
  private final Map<String, String> topModule = new HashMap<>();
  private final Map<String, Instant> firstSeen = new HashMap<>();

  /** Adds {@code exposed} devices running every {@code component@version} given. */
  Fleet cell(long exposed, long failed, String... keys) {
    cells.add(new Cell(List.of(keys), exposed, failed));
    return this;
  }

  Fleet moduleBelongs(String key) {
    moduleBelongs.put(key, true);
    return this;
  }

  /**
   * {@code key}'s window has {@code crashes} crash reports in its own module while its top module
   * is {@code top}, another component's.
   */
  Fleet ownModuleBelowTop(String key, long crashes, String top) {
    ownModuleCrashes.put(key, crashes);
    topModule.put(key, top);
    return this;
  }

  Fleet firstSeen(String key, Instant time) {
    firstSeen.put(key, time);
    return this;
  }

  Map<String, VersionFigures> figures() {
    Map<String, long[]> sums = new TreeMap<>();
    for (Cell c : cells) {
      for (String k : c.keys()) {
        long[] s = sums.computeIfAbsent(k, x -> new long[2]);
        s[0] += c.exposed();
        s[1] += c.failed();
      }
    }
    Map<String, VersionFigures> out = new LinkedHashMap<>();
    sums.forEach(
        (k, s) -> {
          int at = k.indexOf('@');
          out.put(
              k,
              new VersionFigures(
                  k.substring(0, at),
                  k.substring(at + 1),
                  s[0],
                  null,
                  s[1],
                  0,
                  null,
                  firstSeen.get(k),
                  null,
                  0,
                  topModule.get(k),
                  0,
                  moduleBelongs.getOrDefault(k, false),
                  moduleBelongs.getOrDefault(k, false)
                      ? s[1]
                      : ownModuleCrashes.getOrDefault(k, 0L)));
        });
    return out;
  }

  Overlaps overlaps() {
    Map<String, long[]> pairs = new HashMap<>();
    Overlaps out = new Overlaps();
    for (Cell c : cells) {
      for (String a : c.keys()) {
        for (String b : c.keys()) {
          if (a.compareTo(b) < 0) {
            long[] s = pairs.computeIfAbsent(a + "|" + b, x -> new long[2]);
            s[0] += c.failed();
            s[1] += c.exposed();
          }
        }
      }
    }
    pairs.forEach(
        (p, s) -> {
          String[] ab = p.split("\\|");
          out.put(ab[0], ab[1], s[0], s[1]);
        });
    return out;
  }

  Map<String, TestResult> results(SpikeTest test) {
    Map<String, VersionFigures> figures = figures();
    Map<String, TestResult> out = new TreeMap<>();
    figures.forEach((k, v) -> out.put(k, test.test(v, Baseline.restOfFleet(v, figures.values()))));
    return out;
  }

  Map<String, Blame> resolve(SpikeTest test) {
    return new BlameResolver(test).resolve(figures(), results(test), overlaps());
  }
}
