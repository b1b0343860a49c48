package dev.crashwatch.processor.state;

import dev.crashwatch.processor.Percent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds up the deltas of each component version (keyed by {@link VersionKey}, after the repartition)
 * and of each pair of versions ({@link PairKey}), and, on stream time, logs one summary line of the
 * versions with crashes.
 *
 * <p>Every {@code forwardInterval} of the time every device-state task has reached (their ticks,
 * {@link SourceWatermark}) it forwards the figures of the keys that changed since (all keys after a
 * restart) and one tick with its partition and that time: aggregates, not events, go on to the
 * single-partition detector input, at most once per key per interval. It forwards them encoded (the
 * internal serde's bytes, which the detector stores as they come): the encoding is done here, in
 * the partitioned stage, and the single detector task decodes only what its evaluations read.
 */
public final class VersionStatsProcessor
    implements Processor<StatsKey, VersionDelta, StatsKey, byte[]> {

  public static final String STORE = "version-stats";
  private static final Logger LOG = LoggerFactory.getLogger(VersionStatsProcessor.class);
  private static final int SUMMARY_VERSIONS = 5;

  private final Duration logInterval;
  private final Duration forwardInterval;
  private final long windowMs;
  private final long retentionMs;
  private final LinkedHashSet<StatsKey> dirty = new LinkedHashSet<>();

  /** One per task, so one thread uses it (it keeps its buffer between records). */
  private final Serializer<VersionStats> encoder =
      new InternalAvroSerde<>(VersionStats.class).serializer();

  private SourceWatermark watermark;
  private boolean forwardAll = true;
  private long nextForward;
  private ProcessorContext<StatsKey, byte[]> context;
  private KeyValueStore<StatsKey, VersionStats> store;

  /**
   * @param window the detection window: the summary line counts crashes and exposure over it, as
   *     the detector does
   * @param grace how long past the window crash buckets are kept for late reports
   */
  public VersionStatsProcessor(
      Duration logInterval, Duration forwardInterval, Duration window, Duration grace) {
    this.logInterval = logInterval;
    this.windowMs = window.toMillis();
    this.forwardInterval = forwardInterval;
    this.retentionMs = window.plus(grace).toMillis();
  }

  @Override
  public void init(ProcessorContext<StatsKey, byte[]> context) {
    this.context = context;
    // a task may be re-initialised after a migration or an aborted transaction: pending figures of
    // before are not trusted, every key is forwarded again at the next tick
    this.dirty.clear();
    this.forwardAll = true;
    this.nextForward = 0;
    this.store = context.getStateStore(STORE);
    this.watermark = SourceWatermark.of(context);
    context.schedule(logInterval, PunctuationType.STREAM_TIME, this::logSummary);
  }

  /**
   * Forwards the changed figures and a tick at {@code reached}, the time every device-state task
   * has reached: driven by the watermark, not by this task's stream time (which the fastest
   * device-state task drives, and which stops moving once it has, although slower tasks still catch
   * up).
   */
  private void forwardChanged(long reached) {
    if (forwardAll) {
      forwardAll = false;
      try (KeyValueIterator<StatsKey, VersionStats> all = store.all()) {
        all.forEachRemaining(kv -> dirty.add(kv.key));
      }
    }
    for (StatsKey key : dirty) {
      VersionStats stats = store.get(key);
      if (stats != null) {
        context.forward(new Record<>(key, encoder.serialize(STORE, stats), reached));
      }
    }
    dirty.clear();
    context.forward(
        new Record<>(
            SourceWatermark.tick(context.taskId().partition()),
            encoder.serialize(STORE, VersionStats.newBuilder().build()),
            reached));
  }

  @Override
  public void process(Record<StatsKey, VersionDelta> record) {
    if (SourceWatermark.isTick(record.key())) {
      long reached = watermark.advance(record.key(), record.timestamp());
      if (reached >= nextForward) {
        long every = Math.max(1, forwardInterval.toMillis());
        nextForward = Math.floorDiv(reached, every) * every + every;
        forwardChanged(reached);
      }
      return;
    }
    // The store holds the deserialized figures (WriteBackKeyValueStore): change them in place and
    // put them back; they are serialized once per commit, not once per delta.
    VersionStats stats = store.get(record.key());
    if (stats == null) {
      stats = VersionStats.newBuilder().build();
    }
    apply(stats, record.value(), record.timestamp(), pruneBefore());
    store.put(record.key(), stats);
    dirty.add(record.key());
  }

  /**
   * Adds one delta that arrived at {@code timestamp} to {@code stats} (changed in place), dropping
   * buckets before {@code oldest}. Deltas of one key commute: the order they arrive in between two
   * ticks does not change the figures ({@link DeltaBuffer} relies on it).
   */
  static void apply(VersionStats stats, VersionDelta delta, long timestamp, long oldest) {
    stats.setExposedByRing(add(stats.getExposedByRing(), delta.getExposedByRing()));
    stats.setCrashedDevices(stats.getCrashedDevices() + delta.getCrashedDevices());
    stats.setDegradedDevices(stats.getDegradedDevices() + delta.getDegradedDevices());
    stats.setTamperedDevices(stats.getTamperedDevices() + delta.getTamperedDevices());
    if (delta.getFirstCrashTime() > 0
        && (stats.getFirstCrashTime() == 0
            || delta.getFirstCrashTime() < stats.getFirstCrashTime())) {
      stats.setFirstCrashTime(delta.getFirstCrashTime());
    }
    stats.setBugchecks(add(stats.getBugchecks(), delta.getBugchecks()));
    stats.setModules(add(stats.getModules(), delta.getModules()));
    if (delta.getCrashBucket() > 0 && delta.getCrashedDevices() != 0) {
      stats.setCrashBuckets(
          count(
              stats.getCrashBuckets(), delta.getCrashBucket(), delta.getCrashedDevices(), oldest));
      stats.setCrashBucketsByRing(
          countByName(
              stats.getCrashBucketsByRing(),
              Map.of(delta.getRing(), delta.getCrashedDevices()),
              delta.getCrashBucket(),
              oldest));
    }
    if (delta.getCrashBucket() > 0 && !delta.getModules().isEmpty()) {
      stats.setModuleBuckets(
          countByName(
              stats.getModuleBuckets(), delta.getModules(), delta.getCrashBucket(), oldest));
    }
    if (delta.getCrashBucket() > 0 && delta.getSilentDevices() != 0) {
      stats.setSilentBuckets(
          count(
              stats.getSilentBuckets(), delta.getCrashBucket(), delta.getSilentDevices(), oldest));
    }
    long net = netExposure(delta);
    long minute = Math.floorDiv(timestamp, 60_000L) * 60_000L;
    if (net < 0) {
      stats.setLeftBuckets(count(stats.getLeftBuckets(), minute, -net, oldest));
    } else if (net > 0) {
      stats.setJoinedBuckets(count(stats.getJoinedBuckets(), minute, net, oldest));
    }
    // the earliest join, not the time of the first join to arrive: the deltas of several
    // device-state tasks reach this task interleaved as their commits fall, so the first to arrive
    // may come from a later minute than another task's, and the detector's first look at the
    // version and blame's "which change came last" read this time
    if (net > 0 && (stats.getFirstSeenTime() == 0 || timestamp < stats.getFirstSeenTime())) {
      stats.setFirstSeenTime(timestamp);
    }
  }

  /**
   * The change of devices running the version a delta makes, all rings together: above 0 devices
   * joined, below 0 they left, 0 none (or a move between rings). {@link DeltaBuffer} sums only
   * deltas of the same sign of it.
   */
  static long netExposure(VersionDelta delta) {
    long net = 0;
    for (long change : delta.getExposedByRing().values()) {
      net += change;
    }
    return net;
  }

  /**
   * {@code buckets} (changed in place, or a mutable copy if it is not a {@link HashMap}) with
   * {@code change} added to the one of {@code minute}, without empty buckets and without those
   * before {@code oldest} (see {@link #pruneBefore}).
   */
  private static Map<String, Long> count(
      Map<String, Long> buckets, long minute, long change, long oldest) {
    Map<String, Long> out = mutable(buckets);
    out.merge(Long.toString(minute), change, Long::sum);
    String oldestKey = Long.toString(oldest);
    out.entrySet().removeIf(b -> b.getValue() == 0 || before(b.getKey(), oldest, oldestKey));
    return out;
  }

  /**
   * Whether the bucket {@code key} ({@link Long#toString} of a minute, never negative) is before
   * {@code oldest}, without parsing it (this runs for every bucket on every delta): decimal strings
   * without leading zeros order by length, then character by character.
   */
  static boolean before(String key, long oldest, String oldestKey) {
    if (oldest <= 0) {
      return false;
    }
    if (key.length() != oldestKey.length()) {
      return key.length() < oldestKey.length();
    }
    return key.compareTo(oldestKey) < 0;
  }

  /** {@link #count} for each name's buckets, names left without buckets dropped. */
  private static Map<String, Map<String, Long>> countByName(
      Map<String, Map<String, Long>> bucketsByName,
      Map<String, Long> changes,
      long minute,
      long oldest) {
    Map<String, Map<String, Long>> out = mutable(bucketsByName);
    changes.forEach(
        (name, change) ->
            out.put(name, count(out.getOrDefault(name, Map.of()), minute, change, oldest)));
    out.values().removeIf(Map::isEmpty);
    return out;
  }

  /**
   * The map itself when it can be changed in place (what the Avro reader and builders make), else a
   * copy that can.
   */
  private static <V> Map<String, V> mutable(Map<String, V> map) {
    return map instanceof HashMap<String, V> ? map : new HashMap<>(map);
  }

  /**
   * Buckets older than this are dropped: the retention before the time every device-state task has
   * reached, not before this task's stream time, which the fastest of them drives; a slower task's
   * crashes would otherwise be dropped on arrival.
   */
  private long pruneBefore() {
    long reached = watermark.current();
    return (reached >= 0 ? reached : context.currentStreamTimeMs()) - retentionMs;
  }

  /**
   * One line of the versions with the most devices crashed in the window, each over the devices
   * that ran it in the window, as the detector counts them: a device crash-looping for hours is one
   * device, and a version rolled back keeps the devices it crashed until they leave the window.
   */
  private void logSummary(long streamTime) {
    long from = streamTime - windowMs;
    List<long[]> counts = new ArrayList<>();
    List<StatsKey> keys = new ArrayList<>();
    try (KeyValueIterator<StatsKey, VersionStats> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.key.getKind() != StatsKeyKind.VERSION) {
              return;
            }
            long crashed = crashedBetween(kv.value, from, streamTime);
            if (crashed > 0) {
              long exposed = Math.max(exposedBetween(kv.value, from, streamTime), crashed);
              counts.add(new long[] {crashed, exposed, keys.size()});
              keys.add(kv.key);
            }
          });
    }
    if (counts.isEmpty()) {
      return;
    }
    counts.sort((a, b) -> Long.compare(b[0], a[0]));
    StringBuilder line = new StringBuilder();
    for (long[] c : counts.subList(0, Math.min(SUMMARY_VERSIONS, counts.size()))) {
      line.append(
          String.format(
              " %s %d/%d crashed (%s);",
              VersionKey.from(keys.get((int) c[2])), c[0], c[1], Percent.of(c[0], c[1])));
    }
    LOG.info(
        "versions with crashes in the {} min to {}:{}",
        windowMs / 60_000,
        Instant.ofEpochMilli(streamTime),
        line);
  }

  /** Devices running the version, all rings together. */
  public static long exposed(VersionStats stats) {
    return stats.getExposedByRing().values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Devices that ran the version at some time after {@code from} up to {@code to}: those running it
   * at {@code to} and those that left it in that span (a device that left and came back counts
   * twice).
   */
  public static long exposedBetween(VersionStats stats, long from, long to) {
    return exposedAt(stats, to) + sumBetween(stats.getLeftBuckets(), from, to);
  }

  /**
   * Devices running the version at the end of the minute bucket of {@code to}: those running it
   * now, less those that joined and plus those that left in later minutes. The figures reach the
   * detector once every upstream task has sent all changes of the minutes up to its boundary, but a
   * faster task may already have sent changes of later minutes; taking them back out makes the
   * exposure of an evaluation the same however the tasks interleave (after a restart or a
   * rebalance, or with one instance ahead of another).
   */
  public static long exposedAt(VersionStats stats, long to) {
    return Math.max(
        0,
        exposed(stats)
            - sumAfter(stats.getJoinedBuckets(), to)
            + sumAfter(stats.getLeftBuckets(), to));
  }

  /** Devices newly crashed in buckets after {@code from} up to {@code to} (event time, ms). */
  public static long crashedBetween(VersionStats stats, long from, long to) {
    return sumBetween(stats.getCrashBuckets(), from, to);
  }

  /** {@link #crashedBetween} per ring of the crashed devices, rings without crashes left out. */
  public static Map<String, Long> crashedByRingBetween(VersionStats stats, long from, long to) {
    return sumsBetween(stats.getCrashBucketsByRing(), from, to);
  }

  /**
   * Crash reports per faulting module in buckets after {@code from} up to {@code to}, modules
   * without reports there left out.
   */
  public static Map<String, Long> modulesBetween(VersionStats stats, long from, long to) {
    return sumsBetween(stats.getModuleBuckets(), from, to);
  }

  /** Each name's buckets summed over the span, names with nothing there left out. */
  private static Map<String, Long> sumsBetween(
      Map<String, Map<String, Long>> bucketsByName, long from, long to) {
    Map<String, Long> sums = new TreeMap<>();
    bucketsByName.forEach(
        (name, buckets) -> {
          long n = sumBetween(buckets, from, to);
          if (n > 0) {
            sums.put(name, n);
          }
        });
    return sums;
  }

  /** Devices counted silent in buckets after {@code from} up to {@code to}, still silent. */
  public static long silentBetween(VersionStats stats, long from, long to) {
    return sumBetween(stats.getSilentBuckets(), from, to);
  }

  private static long sumBetween(Map<String, Long> buckets, long from, long to) {
    long sum = 0;
    for (Map.Entry<String, Long> b : buckets.entrySet()) {
      long minute = Long.parseLong(b.getKey());
      if (minute > from && minute <= to) {
        sum += b.getValue();
      }
    }
    return Math.max(0, sum);
  }

  private static long sumAfter(Map<String, Long> buckets, long to) {
    return sumBetween(buckets, to, Long.MAX_VALUE);
  }

  /** {@code into} (changed in place if it can be) with {@code delta} added, zeros dropped. */
  private static Map<String, Long> add(Map<String, Long> into, Map<String, Long> delta) {
    if (delta.isEmpty()) {
      return into;
    }
    Map<String, Long> sum = mutable(into);
    delta.forEach((k, v) -> sum.merge(k, v, Long::sum));
    sum.values().removeIf(v -> v == 0);
    return sum;
  }
}
