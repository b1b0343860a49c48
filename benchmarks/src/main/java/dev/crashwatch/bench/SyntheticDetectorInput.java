package dev.crashwatch.bench;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.PairKey;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;

/**
 * The detector input of a {@link DetectorFleetShape}, as {@code VersionStatsProcessor} would send
 * it at one interval boundary: the figures of every live key that changed in the interval (or of
 * every live key, for the first), serialized with the topology's own serdes. Each key's figures are
 * drawn afresh from a generator seeded by the key and the boundary: exposure from the shape, and
 * per-minute buckets over the retention (the window and its grace) of devices that left and joined,
 * crashed (by ring and faulting module) and went silent, at the shape's rates.
 */
final class SyntheticDetectorInput {

  private static final String[] RINGS = {"canary", "early", "broad"};
  private static final double[] RING_SHARES = {0.02, 0.18, 0.80};
  private static final String BENIGN_MODULE = "ntoskrnl.exe";
  private static final double MINUTES_PER_DAY = 24 * 60;

  private final DetectorFleetShape shape;
  private final long retentionMinutes;
  private final long seed;
  private final int[] firstOfPair;
  private final int[] secondOfPair;
  private final Serializer<StatsKey> keys = new InternalAvroSerde<>(StatsKey.class).serializer();
  private final Serializer<VersionStats> values =
      new InternalAvroSerde<>(VersionStats.class).serializer();

  SyntheticDetectorInput(DetectorFleetShape shape, Duration retention, long seed) {
    this.shape = shape;
    this.retentionMinutes = retention.toMinutes();
    this.seed = seed;
    int pairs = (int) shape.componentPairs();
    this.firstOfPair = new int[pairs];
    this.secondOfPair = new int[pairs];
    int p = 0;
    for (int a = 0; a < shape.components(); a++) {
      for (int b = a + 1; b < shape.components(); b++) {
        firstOfPair[p] = a;
        secondOfPair[p] = b;
        p++;
      }
    }
  }

  static String component(int c) {
    return String.format("comp-%03d", c);
  }

  static String version(int v) {
    return String.format("v%02d", v);
  }

  private static String ownModule(int c) {
    return String.format("comp%03d.sys", c);
  }

  /** The operator's catalogue of the shape's components: ten vendors, one module each. */
  List<CatalogueEntry> catalogue(Instant at) {
    List<CatalogueEntry> entries = new ArrayList<>();
    for (int c = 0; c < shape.components(); c++) {
      entries.add(
          CatalogueEntry.newBuilder()
              .setComponent(component(c))
              .setVendor(String.format("vendor%02d", c % 10))
              .setModules(List.of(ownModule(c)))
              .setUpdatedAt(at)
              .build());
    }
    return entries;
  }

  /** Every live key: versions, then pairs, then tenants. */
  long keys() {
    return shape.versions() + shape.pairKeys() + shape.tenants();
  }

  /**
   * The records of keys {@code from} (inclusive) to {@code to} (exclusive) that changed in the
   * interval ending at {@code boundary} (all of them if {@code everyKey}), serialized.
   */
  List<KeyValue<byte[], byte[]>> records(
      String topic, long boundary, long from, long to, boolean everyKey) {
    List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      SplittableRandom rnd = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L) ^ boundary);
      KeyValue<StatsKey, VersionStats> kv = figures(i, boundary, rnd, everyKey);
      if (kv != null) {
        out.add(KeyValue.pair(keys.serialize(topic, kv.key), values.serialize(topic, kv.value)));
      }
    }
    return out;
  }

  private KeyValue<StatsKey, VersionStats> figures(
      long index, long boundary, SplittableRandom rnd, boolean everyKey) {
    StatsKey key;
    double devices;
    boolean faulty = false;
    boolean version = false;
    int component = -1;
    if (index < shape.versions()) {
      component = (int) (index / shape.versionsPerComponent());
      int v = (int) (index % shape.versionsPerComponent());
      key = VersionKey.of(component(component), version(v));
      devices = shape.versionDevices(v);
      faulty = shape.faulty(component, v);
      version = true;
    } else if (index < shape.versions() + shape.pairKeys()) {
      long p = index - shape.versions();
      int perPair = shape.versionsPerComponent() * shape.versionsPerComponent();
      int componentPair = (int) (p / perPair);
      int v = (int) (p % perPair) / shape.versionsPerComponent();
      int w = (int) (p % perPair) % shape.versionsPerComponent();
      int a = firstOfPair[componentPair];
      int b = secondOfPair[componentPair];
      key =
          PairKey.of(
              new VersionKey(component(a), version(v)), new VersionKey(component(b), version(w)));
      devices = shape.pairDevices(v, w);
      faulty = shape.faulty(a, v) || shape.faulty(b, w);
      component = shape.faulty(a, v) ? a : b;
    } else {
      key =
          DeviceStateProcessor.tenantKey(
              String.format("tenant-%03d", index - shape.versions() - shape.pairKeys()));
      devices = shape.tenantDevices();
    }
    if (!everyKey && rnd.nextDouble() >= shape.dirtyChance(devices)) {
      return null;
    }
    return KeyValue.pair(key, stats(devices, version, faulty, component, boundary, rnd));
  }

  private VersionStats stats(
      double devices,
      boolean version,
      boolean faulty,
      int component,
      long boundary,
      SplittableRandom rnd) {
    double changesPerMinute = devices * shape.changesPerDevicePerDay() / MINUTES_PER_DAY;
    double crashesPerMinute =
        devices
            * shape.crashesPerDevicePerDay()
            / MINUTES_PER_DAY
            * (faulty ? DetectorFleetShape.FAULTY_RATE_RATIO : 1);
    String module = faulty ? ownModule(component) : BENIGN_MODULE;
    Map<String, Long> exposed = new HashMap<>();
    if (version) {
      for (int r = 0; r < RINGS.length; r++) {
        exposed.put(RINGS[r], Math.round(devices * RING_SHARES[r]));
      }
    } else {
      exposed.put(PairKey.RING, Math.round(devices));
    }
    Map<String, Long> left = new HashMap<>();
    Map<String, Long> joined = new HashMap<>();
    Map<String, Long> crashed = new HashMap<>();
    Map<String, Long> silent = new HashMap<>();
    Map<String, Map<String, Long>> crashedByRing = new HashMap<>();
    Map<String, Map<String, Long>> modules = new HashMap<>();
    long crashes = 0;
    long firstCrash = 0;
    for (long m = retentionMinutes; m >= 1; m--) {
      String minute = Long.toString(boundary - m * 60_000L);
      put(left, minute, poisson(rnd, changesPerMinute / 2));
      put(joined, minute, poisson(rnd, changesPerMinute / 2));
      put(silent, minute, poisson(rnd, crashesPerMinute / 4));
      long n = poisson(rnd, crashesPerMinute);
      if (n > 0) {
        put(crashed, minute, n);
        String ring = ring(rnd);
        crashedByRing.computeIfAbsent(ring, r -> new HashMap<>()).put(minute, n);
        modules.computeIfAbsent(module, r -> new HashMap<>()).put(minute, n);
        crashes += n;
        firstCrash = firstCrash == 0 ? boundary - m * 60_000L : firstCrash;
      }
    }
    return VersionStats.newBuilder()
        .setExposedByRing(exposed)
        .setCrashedDevices(crashes)
        .setFirstCrashTime(firstCrash)
        .setBugchecks(crashes == 0 ? Map.of() : Map.of(faulty ? "0x7e" : "0x50", crashes))
        .setModules(crashes == 0 ? Map.of() : Map.of(module, crashes))
        .setCrashBuckets(crashed)
        .setLeftBuckets(left)
        .setJoinedBuckets(joined)
        .setFirstSeenTime(boundary - Duration.ofDays(7).toMillis())
        .setSilentBuckets(silent)
        .setCrashBucketsByRing(crashedByRing)
        .setModuleBuckets(modules)
        .setDegradedDevices(version ? poisson(rnd, devices * 5e-4) : 0)
        .setTamperedDevices(version ? poisson(rnd, devices * 1e-4) : 0)
        .build();
  }

  private static void put(Map<String, Long> buckets, String minute, long n) {
    if (n > 0) {
      buckets.put(minute, n);
    }
  }

  private static String ring(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    for (int r = 0; r < RINGS.length - 1; r++) {
      u -= RING_SHARES[r];
      if (u < 0) {
        return RINGS[r];
      }
    }
    return RINGS[RINGS.length - 1];
  }

  /** A Poisson draw: by multiplication for small means, by the normal approximation above 30. */
  private static long poisson(SplittableRandom rnd, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      double u1 = 1 - rnd.nextDouble();
      double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd.nextDouble());
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian));
    }
    double limit = Math.exp(-mean);
    double product = rnd.nextDouble();
    long n = 0;
    while (product > limit) {
      product *= rnd.nextDouble();
      n++;
    }
    return n;
  }
}
