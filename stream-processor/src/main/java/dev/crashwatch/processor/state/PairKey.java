package dev.crashwatch.processor.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key of the cross counts of two versions of different components: a {@link StatsKeyKind#PAIR}
 * key with the two versions in order (component, then version), so each pair has one key. Pair
 * figures share the version-deltas repartition and the version-stats store with the per-version
 * figures; the key's kind tells them apart. Their exposure is kept under the single ring {@link
 * #RING}.
 */
public final class PairKey {

  public static final String RING = "*";

  private static final Comparator<VersionKey> ORDER =
      Comparator.comparing(VersionKey::component).thenComparing(VersionKey::version);

  private PairKey() {}

  public static boolean isPair(StatsKey key) {
    return key.getKind() == StatsKeyKind.PAIR;
  }

  public static StatsKey of(VersionKey a, VersionKey b) {
    VersionKey first = ORDER.compare(a, b) <= 0 ? a : b;
    VersionKey second = first == a ? b : a;
    // the constructor, not the builder: a key per delta (StatsKeyConstructionTest pins it)
    return new StatsKey(
        StatsKeyKind.PAIR,
        first.component(),
        first.version(),
        second.component(),
        second.version(),
        -1,
        "",
        "");
  }

  public static VersionKey first(StatsKey pair) {
    return new VersionKey(pair.getComponent(), pair.getVersion());
  }

  public static VersionKey second(StatsKey pair) {
    return new VersionKey(pair.getOtherComponent(), pair.getOtherVersion());
  }

  /** Every pair of the versions in {@code versions} (component → version). */
  public static Set<StatsKey> pairs(Map<String, String> versions) {
    List<VersionKey> keys = new ArrayList<>();
    versions.forEach((c, v) -> keys.add(new VersionKey(c, v)));
    keys.sort(ORDER);
    Set<StatsKey> out = new LinkedHashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      for (int j = i + 1; j < keys.size(); j++) {
        out.add(of(keys.get(i), keys.get(j)));
      }
    }
    return out;
  }
}
