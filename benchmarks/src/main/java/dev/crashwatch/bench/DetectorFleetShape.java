package dev.crashwatch.bench;

import java.time.Duration;

/**
 * The fleet {@code bench detector} assumes, and what it makes the detector take: which keys the
 * detector input carries and how often each of them changes.
 *
 * <p>Each device runs {@code componentsPerDevice} of the {@code components}, chosen at random, and
 * one of each component's {@code versionsPerComponent} versions with a Zipf share (the newest the
 * least: a rollout in progress). The keys the device-state stage sends deltas for are every version
 * a device runs, every pair of them (its {@code k(k-1)/2} pairs, for blame's cross counts) and its
 * tenant; a key is live while a device runs it. {@code VersionStatsProcessor} forwards each key
 * that changed once per {@code detector.interval}, whatever the number of deltas it folded, plus
 * one tick per upstream task: so the detector takes, per interval, the live keys that changed in it
 * and the ticks. A key's figures change when one of its devices changes what it runs or whether it
 * is away (the exposure), crashes or goes silent; with each device changing {@code
 * changesPerDevicePerDay} times a day, a key with {@code d} devices changes in an interval with
 * probability {@code 1 - (1 - q)^d}, {@code q} the chance one device changes in it.
 *
 * @param crashesPerDevicePerDay the benign crash rate of every version; the {@code candidates}
 *     faulty versions (the newest of the first components) crash {@link #FAULTY_RATE_RATIO} times
 *     as often, so blame runs over candidates and their pairs
 * @param upstreamTasks the version-stats tasks (the input topics' partitions), one tick each
 */
record DetectorFleetShape(
    long devices,
    int components,
    int versionsPerComponent,
    int componentsPerDevice,
    double changesPerDevicePerDay,
    double crashesPerDevicePerDay,
    int tenants,
    int candidates,
    int upstreamTasks,
    Duration interval) {

  /** How many times the benign rate a faulty candidate version crashes. */
  static final double FAULTY_RATE_RATIO = 30;

  private static final double MINUTES_PER_DAY = 24 * 60;

  DetectorFleetShape {
    if (componentsPerDevice < 2 || componentsPerDevice > components) {
      throw new IllegalArgumentException(
          "components per device must be between 2 and the components, got " + componentsPerDevice);
    }
    if (candidates < 0 || candidates > components) {
      throw new IllegalArgumentException(
          "faulty versions must be between 0 and the components (one per component), got "
              + candidates);
    }
  }

  /** The July 19 fleet: 8.5 million devices, 100 components of 10 versions (1,000 live). */
  static DetectorFleetShape fullScale(Duration interval) {
    return new DetectorFleetShape(8_500_000, 100, 10, 8, 4, 0.01, 100, 3, 6, interval);
  }

  int versions() {
    return components * versionsPerComponent;
  }

  /** Pairs of components a device can run together. */
  long componentPairs() {
    return (long) components * (components - 1) / 2;
  }

  /** Pair keys: every version of one component with every version of another. */
  long pairKeys() {
    return componentPairs() * versionsPerComponent * versionsPerComponent;
  }

  /** Share of a component's devices that run its version {@code v} (0 the oldest, Zipf). */
  double versionShare(int v) {
    double harmonic = 0;
    for (int i = 1; i <= versionsPerComponent; i++) {
      harmonic += 1.0 / i;
    }
    return 1.0 / (v + 1) / harmonic;
  }

  /** Devices that run version {@code v} of a component. */
  double versionDevices(int v) {
    return devices * (double) componentsPerDevice / components * versionShare(v);
  }

  /** Devices that run version {@code v} of one component and {@code w} of another. */
  double pairDevices(int v, int w) {
    double bothComponents =
        (double) componentsPerDevice
            * (componentsPerDevice - 1)
            / ((double) components * (components - 1));
    return devices * bothComponents * versionShare(v) * versionShare(w);
  }

  double tenantDevices() {
    return (double) devices / tenants;
  }

  /** Whether version {@code v} of component {@code c} is a faulty candidate. */
  boolean faulty(int c, int v) {
    return c < candidates && v == versionsPerComponent - 1;
  }

  double intervalMinutes() {
    return interval.toMillis() / 60_000.0;
  }

  /** The chance that one device changes what it runs or whether it is away in one interval. */
  double changePerInterval() {
    return Math.min(1, changesPerDevicePerDay / MINUTES_PER_DAY * intervalMinutes());
  }

  /** The chance that a key with {@code keyDevices} devices changes in one interval. */
  double dirtyChance(double keyDevices) {
    double q = changePerInterval() + crashesPerDevicePerDay / MINUTES_PER_DAY * intervalMinutes();
    return 1 - Math.pow(1 - Math.min(1, q), keyDevices);
  }

  /** Live keys (versions, pairs, tenants) that change in an interval, on average. */
  double dirtyKeysPerInterval() {
    double sum = 0;
    for (int v = 0; v < versionsPerComponent; v++) {
      sum += components * dirtyChance(versionDevices(v));
    }
    return sum + dirtyPairKeysPerInterval() + tenants * dirtyChance(tenantDevices());
  }

  /** The pair keys among {@link #dirtyKeysPerInterval}. */
  double dirtyPairKeysPerInterval() {
    double sum = 0;
    for (int v = 0; v < versionsPerComponent; v++) {
      for (int w = 0; w < versionsPerComponent; w++) {
        sum += componentPairs() * dirtyChance(pairDevices(v, w));
      }
    }
    return sum;
  }

  /** Detector-input records per interval: the keys that changed, and a tick per upstream task. */
  double recordsPerInterval() {
    return dirtyKeysPerInterval() + upstreamTasks;
  }

  /** Detector-input records per second when the pipeline runs {@code speed} times real time. */
  double recordsPerSecond(double speed) {
    return recordsPerInterval() / (interval.toMillis() / 1000.0) * speed;
  }

  /** Evaluations per second at {@code speed} times real time: one per interval. */
  double evaluationsPerSecond(double speed) {
    return speed / (interval.toMillis() / 1000.0);
  }

  String describe() {
    return String.format(
        "fleet shape: %,d devices; %d components x %d versions = %,d live versions (Zipf shares,"
            + " newest least: %.1f%% to %.1f%% of a component's devices); each device runs %d"
            + " components at random, so %,d pair keys (%,.0f to %,.0f devices each); %d tenants;"
            + " each device changes what it runs or whether it is away %.1f times a day and"
            + " crashes %.3f times a day (%d faulty versions %.0f times that)",
        devices,
        components,
        versionsPerComponent,
        versions(),
        100 * versionShare(versionsPerComponent - 1),
        100 * versionShare(0),
        componentsPerDevice,
        pairKeys(),
        pairDevices(versionsPerComponent - 1, versionsPerComponent - 1),
        pairDevices(0, 0),
        tenants,
        changesPerDevicePerDay,
        crashesPerDevicePerDay,
        candidates,
        FAULTY_RATE_RATIO);
  }
}
