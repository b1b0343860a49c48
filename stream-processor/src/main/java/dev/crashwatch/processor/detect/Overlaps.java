package dev.crashwatch.processor.detect;

import java.util.HashMap;
import java.util.Map;

/**
 * Cross counts between component versions, the minimal input of {@link BlameResolver}: for a pair
 * of versions A and B of different components, the failing (crashed or silent, as in {@link
 * VersionFigures#failedDevices()}) and exposed devices that run both, in the same window.
 *
 * <p>The resolver needs, for every candidate B, the pairs (V, B') for every version B' of B's
 * component and every version V of another component: the candidates and their siblings (the
 * stratified baseline) and, to unmask a version a blamed B hid, any version. So every pair with a
 * version of a candidate's component, and no other. A pair that was never put counts as zero: no
 * device runs both. Lookups are symmetric.
 */
public final class Overlaps {

  /** Failing and exposed devices running both versions. */
  public record Counts(long failedBoth, long exposedBoth) {
    public static final Counts ZERO = new Counts(0, 0);

    public Counts {
      if (failedBoth < 0 || exposedBoth < 0 || failedBoth > exposedBoth) {
        throw new IllegalArgumentException("bad cross counts " + failedBoth + "/" + exposedBoth);
      }
    }
  }

  private final Map<String, Counts> counts = new HashMap<>();

  /** Records the devices running both {@code keyA} and {@code keyB} (component@version keys). */
  public Overlaps put(String keyA, String keyB, long failedBoth, long exposedBoth) {
    counts.put(pair(keyA, keyB), new Counts(failedBoth, exposedBoth));
    return this;
  }

  /** The devices running both, {@link Counts#ZERO} when none was recorded. */
  public Counts get(String keyA, String keyB) {
    return counts.getOrDefault(pair(keyA, keyB), Counts.ZERO);
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "\n" + b : b + "\n" + a;
  }
}
