package dev.crashwatch.simulator;

import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.simulator.scenario.Component;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.VersionShare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every device of the simulated fleet as columns indexed by device number, not an object per
 * device, so that millions of devices cost tens of bytes each: ring, the version of each component
 * (an index into that component's versions), the version a rollout replaced (what a rollback puts
 * back), clock skew, whether it is up, whether it boot-loops, its life (bumped whenever it goes
 * down or is rolled back while up, so that timers of an earlier life are ignored), its boot id, and
 * what its sensor reports. A device's id and tenant follow from its number.
 */
final class DeviceTable {

  private static final short NONE = -1;

  final int size;
  private final int tenants;
  private final int components;
  private final List<String> componentIds = new ArrayList<>();
  private final Map<String, Integer> componentIndex = new HashMap<>();
  private final List<List<String>> versionNames = new ArrayList<>();
  private final List<Map<String, Short>> versionIndex = new ArrayList<>();

  private final short[] ring;
  private final short[] versions;
  private final short[] previous;
  private final int[] clockSkewMs;
  private final int[] life;
  private final boolean[] up;
  private final boolean[] looping;
  private final long[] bootIdHigh;
  private final long[] bootIdLow;

  /** What the sensor reports from {@link #sensorHealthFrom} on, only where tampering is set. */
  private SensorHealth[] sensorHealth;

  private long[] sensorHealthFrom;

  DeviceTable(Scenario scenario) {
    this.size = scenario.fleet().devices();
    this.tenants = scenario.fleet().tenants();
    for (Component c : scenario.fleet().components()) {
      componentIndex.put(c.id(), componentIds.size());
      componentIds.add(c.id());
      versionNames.add(new ArrayList<>());
      versionIndex.add(new HashMap<>());
      c.versions().stream().map(VersionShare::version).forEach(v -> intern(c.id(), v));
    }
    for (Rollout r : scenario.rollouts()) {
      intern(r.component(), r.version());
    }
    this.components = componentIds.size();
    this.ring = new short[size];
    this.versions = new short[size * components];
    this.previous = new short[size * components];
    Arrays.fill(previous, NONE);
    this.clockSkewMs = new int[size];
    this.life = new int[size];
    this.up = new boolean[size];
    this.looping = new boolean[size];
    this.bootIdHigh = new long[size];
    this.bootIdLow = new long[size];
  }

  private void intern(String component, String version) {
    Integer c = componentIndex.get(component);
    if (c != null && !versionIndex.get(c).containsKey(version)) {
      versionIndex.get(c).put(version, (short) versionNames.get(c).size());
      versionNames.get(c).add(version);
    }
  }

  /** "dev-0000042": seven digits at least, as devices have always been named. */
  static String id(int device) {
    String digits = Integer.toString(device);
    return digits.length() >= 7
        ? "dev-" + digits
        : "dev-" + "0000000".substring(digits.length()) + digits;
  }

  int tenant(int device) {
    return device % tenants;
  }

  String tenantId(int device) {
    return "tenant-" + tenant(device);
  }

  int components() {
    return components;
  }

  String componentId(int c) {
    return componentIds.get(c);
  }

  /** The index of a component, or -1 when the fleet has no such component. */
  int component(String id) {
    Integer c = componentIndex.get(id);
    return c == null ? -1 : c;
  }

  /** The index of a version of component {@code c}, or -1 when no device can run it. */
  int version(int c, String version) {
    if (c < 0) {
      return NONE;
    }
    Short v = versionIndex.get(c).get(version);
    return v == null ? NONE : v;
  }

  String versionName(int c, int version) {
    return versionNames.get(c).get(version);
  }

  void place(int device, int ringIndex, int skewMs) {
    ring[device] = (short) ringIndex;
    clockSkewMs[device] = skewMs;
  }

  int ring(int device) {
    return ring[device];
  }

  long clockSkewMs(int device) {
    return clockSkewMs[device];
  }

  /** The version index device {@code device} runs of component {@code c}. */
  int runs(int device, int c) {
    return versions[device * components + c];
  }

  /** Whether {@code device} runs version {@code version} of component {@code c}. */
  boolean runs(int device, int c, int version) {
    return c >= 0 && version >= 0 && versions[device * components + c] == version;
  }

  /** The version of component {@code c} on {@code device}, by name. */
  String versionOf(int device, int c) {
    return versionName(c, runs(device, c));
  }

  void install(int device, int c, int version) {
    versions[device * components + c] = (short) version;
  }

  /** Takes {@code version} of {@code c} and remembers the one it replaces, for a rollback. */
  void update(int device, int c, int version) {
    int i = device * components + c;
    previous[i] = versions[i];
    versions[i] = (short) version;
  }

  /** The version a rollout replaced, or -1. */
  int previous(int device, int c) {
    return previous[device * components + c];
  }

  /** Puts back the version a rollout replaced. */
  void revert(int device, int c) {
    int i = device * components + c;
    versions[i] = previous[i];
    previous[i] = NONE;
  }

  /** Every component and the version {@code device} runs of it. */
  Map<String, String> componentsOf(int device) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries =
        (Map.Entry<String, String>[]) new Map.Entry<?, ?>[components];
    for (int c = 0; c < components; c++) {
      entries[c] = Map.entry(componentIds.get(c), versionOf(device, c));
    }
    return Map.ofEntries(entries);
  }

  boolean up(int device) {
    return up[device];
  }

  void setUp(int device, boolean isUp) {
    up[device] = isUp;
  }

  boolean looping(int device) {
    return looping[device];
  }

  void setLooping(int device, boolean loops) {
    looping[device] = loops;
  }

  int life(int device) {
    return life[device];
  }

  void nextLife(int device) {
    life[device]++;
  }

  void setBootId(int device, long high, long low) {
    bootIdHigh[device] = high;
    bootIdLow[device] = low;
  }

  long bootIdHigh(int device) {
    return bootIdHigh[device];
  }

  long bootIdLow(int device) {
    return bootIdLow[device];
  }

  String bootId(int device) {
    return new UUID(bootIdHigh[device], bootIdLow[device]).toString();
  }

  void tamper(int device, SensorHealth health, long from) {
    if (sensorHealth == null) {
      sensorHealth = new SensorHealth[size];
      sensorHealthFrom = new long[size];
    }
    sensorHealth[device] = health;
    sensorHealthFrom[device] = from;
  }

  /** What the sensor of {@code device} reports at {@code time}. */
  SensorHealth sensorHealth(int device, long time) {
    if (sensorHealth == null || sensorHealth[device] == null) {
      return SensorHealth.OK;
    }
    return time >= sensorHealthFrom[device] ? sensorHealth[device] : SensorHealth.OK;
  }
}
