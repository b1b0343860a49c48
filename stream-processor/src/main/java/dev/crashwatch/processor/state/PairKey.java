package dev.crashwatch.processor.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The key of the cross counts of two versions of different components: {@code a|b} with the two
 * component@version keys sorted. Pair figures share the version-deltas repartition and the
 * version-stats store with the per-version figures; a {@code |} tells them apart. Their exposure is
 * kept under the single ring {@link #RING}.
 */
public final class PairKey {

  public static final String RING = "*";
  private static final char SEP = '|';

  private PairKey() {}

  public static boolean isPair(String key) {
    return key.indexOf(SEP) >= 0;
  }

  public static String of(String a, String b) {
    return a.compareTo(b) <= 0 ? a + SEP + b : b + SEP + a;
  }

  public static String first(String pair) {
    return pair.substring(0, pair.indexOf(SEP));
  }

  public static String second(String pair) {
    return pair.substring(pair.indexOf(SEP) + 1);
  }

  /** Every pair of the versions in {@code versions} (component → version). */
  public static Set<String> pairs(Map<String, String> versions) {
    List<String> keys = new ArrayList<>();
    versions.forEach((c, v) -> keys.add(VersionKey.of(c, v)));
    keys.sort(null);
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < keys.size(); i++) {
      for (int j = i + 1; j < keys.size(); j++) {
        out.add(keys.get(i) + SEP + keys.get(j));
      }
    }
    return out;
  }
}
