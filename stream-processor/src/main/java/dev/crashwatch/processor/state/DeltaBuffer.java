package dev.crashwatch.processor.state;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The deltas a device-state task sends between two commits, added up per key, so the version-deltas
 * repartition carries one record per key and minute where it carried one per device: a rollout step
 * moves thousands of devices off one version and onto another within a minute, and each move was a
 * record to serialize, produce, store on the broker, fetch, decode and add (about a quarter of the
 * stream threads' samples in {@code crashwatch bench processor} before this).
 *
 * <p>Only deltas that {@link VersionStatsProcessor#apply} adds up to the same figures one by one
 * and as a sum are added together: those of one key, one arrival minute (devices that joined and
 * left are counted per minute), one crash bucket and crash ring, and one direction of the device's
 * exposure change (joined, left, or neither: a device that leaves and one that joins the same
 * minute are two figures, not a sum of zero). What a sum holds is a sum of every field, the
 * earliest first-crash time, and the time of its first delta. The sums go out in the order their
 * first deltas came.
 *
 * <p>The device-state task forwards the sums before every tick (a tick must follow the deltas of
 * the time it marks) and at every commit, from its store's pre-commit hook ({@link
 * WriteBackKeyValueStore#beforeFlush}), so they are in the transaction of the input offsets they
 * come from: a crash between two commits aborts both, and the input is read again. Nothing held
 * here outlives a commit, so nothing needs a changelog. Not thread-safe: one per task.
 */
final class DeltaBuffer {

  /** What deltas must share to be added together. */
  private record Group(StatsKey key, long minute, long crashBucket, String ring, int direction) {}

  private static final class Sum {
    final VersionDelta delta;
    final long timestamp;

    Sum(VersionDelta delta, long timestamp) {
      this.delta = delta;
      this.timestamp = timestamp;
    }
  }

  private final LinkedHashMap<Group, Sum> pending = new LinkedHashMap<>();

  /**
   * Adds {@code delta} of {@code key} at {@code timestamp}; {@code delta} is not kept or changed.
   */
  void add(StatsKey key, VersionDelta delta, long timestamp) {
    Group group =
        new Group(
            key,
            Math.floorDiv(timestamp, 60_000L),
            delta.getCrashBucket(),
            delta.getRing(),
            Long.signum(VersionStatsProcessor.netExposure(delta)));
    Sum sum = pending.get(group);
    if (sum == null) {
      pending.put(group, new Sum(copy(delta), timestamp));
    } else {
      addInto(sum.delta, delta);
    }
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Hands every sum to {@code forward}, oldest group first, and forgets them. */
  void drain(Consumer<Record<StatsKey, VersionDelta>> forward) {
    for (Map.Entry<Group, Sum> e : pending.entrySet()) {
      forward.accept(new Record<>(e.getKey().key(), e.getValue().delta, e.getValue().timestamp));
    }
    pending.clear();
  }

  /** Forgets every sum (a task re-initialised: its input is read again from the last commit). */
  void clear() {
    pending.clear();
  }

  private static VersionDelta copy(VersionDelta delta) {
    return new VersionDelta(
        new HashMap<>(delta.getExposedByRing()),
        delta.getCrashedDevices(),
        delta.getFirstCrashTime(),
        new HashMap<>(delta.getBugchecks()),
        new HashMap<>(delta.getModules()),
        delta.getCrashBucket(),
        delta.getSilentDevices(),
        delta.getRing(),
        delta.getDegradedDevices(),
        delta.getTamperedDevices());
  }

  /** {@code into} (a {@link #copy}, its maps mutable) plus {@code delta}, field by field. */
  private static void addInto(VersionDelta into, VersionDelta delta) {
    delta
        .getExposedByRing()
        .forEach((ring, n) -> into.getExposedByRing().merge(ring, n, Long::sum));
    into.setCrashedDevices(into.getCrashedDevices() + delta.getCrashedDevices());
    if (delta.getFirstCrashTime() > 0
        && (into.getFirstCrashTime() == 0
            || delta.getFirstCrashTime() < into.getFirstCrashTime())) {
      into.setFirstCrashTime(delta.getFirstCrashTime());
    }
    delta.getBugchecks().forEach((code, n) -> into.getBugchecks().merge(code, n, Long::sum));
    delta.getModules().forEach((module, n) -> into.getModules().merge(module, n, Long::sum));
    into.setSilentDevices(into.getSilentDevices() + delta.getSilentDevices());
    into.setDegradedDevices(into.getDegradedDevices() + delta.getDegradedDevices());
    into.setTamperedDevices(into.getTamperedDevices() + delta.getTamperedDevices());
    // crashBucket and ring are the group's
  }
}
