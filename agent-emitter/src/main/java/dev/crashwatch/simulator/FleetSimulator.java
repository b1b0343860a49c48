package dev.crashwatch.simulator;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.simulator.scenario.Component;
import dev.crashwatch.simulator.scenario.ComponentMode;
import dev.crashwatch.simulator.scenario.Fault;
import dev.crashwatch.simulator.scenario.Ring;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.VersionShare;
import dev.crashwatch.simulator.scenario.Wave;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Plays a scenario's fleet forward in simulated time and publishes what its devices would send: a
 * boot at the start, a heartbeat per sensor vendor every {@code heartbeatEvery}, updates as the
 * rollout waves reach each ring, and crashes (and boot loops) where a faulty version lands. Events
 * are produced in event-time order, as fast as the emitter takes them, and the same seed gives the
 * same events.
 *
 * <p>This first version covers fleet, rollouts and faults. Benign incidents and telemetry noise are
 * accepted in the file but not played yet.
 */
public final class FleetSimulator {

  /** Time a crashed machine takes to come back up. */
  static final Duration REBOOT = Duration.ofMinutes(2);

  private enum Kind {
    BOOT,
    HEARTBEAT,
    UPDATE,
    CRASH,
    UPLOAD
  }

  private record Timer(long time, long seq, Kind kind, int device, Object payload)
      implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** Figures of a run. */
  public record Result(
      long events, long crashes, Map<String, Long> crashedDevicesByRing, Duration wallTime) {}

  private final Scenario scenario;
  private final TelemetryEmitter emitter;
  private final SplittableRandom random;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<SimulatedDevice> devices = new ArrayList<>();
  private final Map<String, Long> crashedByRing = new LinkedHashMap<>();
  private final Map<Integer, Boolean> crashedOnce = new HashMap<>();
  private long seq;
  private long events;
  private long crashes;

  public FleetSimulator(Scenario scenario, TelemetryEmitter emitter) {
    this.scenario = scenario;
    this.emitter = emitter;
    this.random = new SplittableRandom(scenario.seed());
  }

  /**
   * Runs the whole scenario.
   *
   * @param progress called about every {@code progressEvery} of simulated time with the simulated
   *     instant reached
   */
  public Result run(Duration progressEvery, Consumer<Instant> progress) {
    long wallStart = System.nanoTime();
    createFleet();
    scheduleRollouts();
    long end = scenario.end().toEpochMilli();
    long nextProgress = scenario.start().toEpochMilli() + progressEvery.toMillis();
    while (!timers.isEmpty() && timers.peek().time() <= end) {
      Timer timer = timers.poll();
      if (timer.time() >= nextProgress) {
        progress.accept(Instant.ofEpochMilli(nextProgress));
        nextProgress += progressEvery.toMillis();
      }
      fire(timer);
    }
    emitter.flush();
    scenario.fleet().ringNames().forEach(r -> crashedByRing.putIfAbsent(r, 0L));
    return new Result(
        events, crashes, crashedByRing, Duration.ofNanos(System.nanoTime() - wallStart));
  }

  private void createFleet() {
    long start = scenario.start().toEpochMilli();
    long beat = scenario.fleet().heartbeatEvery().toMillis();
    int tenants = scenario.fleet().tenants();
    for (int i = 0; i < scenario.fleet().devices(); i++) {
      String ring = pickRing();
      Map<String, String> versions = new LinkedHashMap<>();
      for (Component c : scenario.fleet().components()) {
        versions.put(c.id(), pickVersion(c.versions()));
      }
      SimulatedDevice d = new SimulatedDevice(i, "tenant-" + (i % tenants), ring, versions);
      devices.add(d);
      // Boots spread over the first heartbeat interval, so load is even from the start.
      schedule(start + (long) (random.nextDouble() * beat), Kind.BOOT, i, ShutdownKind.CLEAN);
    }
  }

  private String pickRing() {
    double x = random.nextDouble();
    List<Ring> rings = scenario.fleet().rings();
    for (Ring r : rings) {
      x -= r.share();
      if (x < 0) {
        return r.name();
      }
    }
    return rings.get(rings.size() - 1).name();
  }

  private String pickVersion(List<VersionShare> shares) {
    double x = random.nextDouble();
    for (VersionShare v : shares) {
      x -= v.share();
      if (x < 0) {
        return v.version();
      }
    }
    return shares.get(shares.size() - 1).version();
  }

  private void scheduleRollouts() {
    for (Rollout rollout : scenario.rollouts()) {
      for (Wave wave : rollout.waves()) {
        long waveStart = scenario.timeAt(wave.at()).toEpochMilli();
        long spread = rollout.spreadOver().toMillis();
        for (SimulatedDevice d : devices) {
          if (d.ring.equals(wave.ring())) {
            long at = waveStart + (spread == 0 ? 0 : (long) (random.nextDouble() * spread));
            schedule(at, Kind.UPDATE, d.index, rollout);
          }
        }
      }
    }
  }

  private void fire(Timer timer) {
    SimulatedDevice d = devices.get(timer.device());
    switch (timer.kind()) {
      case BOOT -> boot(d, timer.time(), (ShutdownKind) timer.payload());
      case HEARTBEAT -> {
        if (d.up) {
          heartbeats(d, timer.time());
          schedule(
              timer.time() + scenario.fleet().heartbeatEvery().toMillis(),
              Kind.HEARTBEAT,
              d.index,
              null);
        }
      }
      case UPDATE -> update(d, timer.time(), (Rollout) timer.payload());
      case CRASH -> crash(d, timer.time(), (Fault) timer.payload());
      case UPLOAD -> {
        emitter.send((Crash) timer.payload());
        events++;
      }
    }
  }

  private void boot(SimulatedDevice d, long time, ShutdownKind previous) {
    d.up = true;
    d.bootId = uuid();
    emitter.send(
        Boot.newBuilder()
            .setEventId(uuid())
            .setDeviceId(d.id)
            .setTenantId(d.tenant)
            .setRing(d.ring)
            .setBootId(d.bootId)
            .setBootTime(Instant.ofEpochMilli(time))
            .setOsBuild(d.versions.getOrDefault("windows", "unknown"))
            .setPreviousShutdown(previous)
            .setComponents(Map.copyOf(d.versions))
            .build());
    events++;
    Fault fault = activeFault(d);
    if (fault != null && (d.looping || random.nextDouble() < fault.crashProbability())) {
      schedule(time + fault.after().sample(random).toMillis(), Kind.CRASH, d.index, fault);
    } else {
      schedule(
          time + (long) (random.nextDouble() * scenario.fleet().heartbeatEvery().toMillis()),
          Kind.HEARTBEAT,
          d.index,
          null);
    }
  }

  /** The fault of a version the device runs, if its other versions make it apply. */
  private Fault activeFault(SimulatedDevice d) {
    for (Rollout r : scenario.rollouts()) {
      if (r.isFaulty()
          && r.version().equals(d.versions.get(r.component()))
          && r.faultIfAny().get().appliesTo(d.versions)) {
        return r.faultIfAny().get();
      }
    }
    return null;
  }

  private void update(SimulatedDevice d, long time, Rollout rollout) {
    if (!d.up) {
      return;
    }
    d.versions.put(rollout.component(), rollout.version());
    heartbeats(d, time);
    rollout
        .faultIfAny()
        .filter(f -> f.appliesTo(d.versions) && random.nextDouble() < f.crashProbability())
        .ifPresent(
            f -> schedule(time + f.after().sample(random).toMillis(), Kind.CRASH, d.index, f));
  }

  private void crash(SimulatedDevice d, long time, Fault fault) {
    if (!d.up) {
      return;
    }
    d.up = false;
    d.looping = fault.loop();
    crashes++;
    if (crashedOnce.put(d.index, true) == null) {
      crashedByRing.merge(d.ring, 1L, Long::sum);
    }
    long reboot = time + REBOOT.toMillis();
    Crash report =
        Crash.newBuilder()
            .setEventId(uuid())
            .setDeviceId(d.id)
            .setTenantId(d.tenant)
            .setRing(d.ring)
            .setBootId(d.bootId)
            .setCrashTime(Instant.ofEpochMilli(time))
            .setUploadTime(Instant.ofEpochMilli(reboot))
            .setKind(CrashKind.KERNEL_BUGCHECK)
            .setBugcheckCode(fault.bugcheck())
            .setBugcheckParameters(List.of())
            .setFaultingModule(fault.module())
            .setComponents(Map.copyOf(d.versions))
            .build();
    // The report goes out when the machine is back up, on the next boot.
    schedule(reboot, Kind.BOOT, d.index, ShutdownKind.CRASH);
    schedule(reboot, Kind.UPLOAD, d.index, report);
  }

  /** One heartbeat per sensor vendor (kernel or user mode component) on the device. */
  private void heartbeats(SimulatedDevice d, long time) {
    Map<String, Map<String, String>> byVendor = new LinkedHashMap<>();
    Map<String, Component> firstOfVendor = new LinkedHashMap<>();
    for (Component c : scenario.fleet().components()) {
      if (c.module() == null) {
        continue; // not a sensor: an OS build or a driver reports through boots and crashes
      }
      byVendor
          .computeIfAbsent(c.vendor(), v -> new LinkedHashMap<>())
          .put(c.id(), d.versions.get(c.id()));
      firstOfVendor.putIfAbsent(c.vendor(), c);
    }
    for (Map.Entry<String, Map<String, String>> e : byVendor.entrySet()) {
      Component product = firstOfVendor.get(e.getKey());
      List<String> ids = new ArrayList<>(e.getValue().keySet());
      emitter.send(
          SensorHeartbeat.newBuilder()
              .setEventId(uuid())
              .setDeviceId(d.id)
              .setTenantId(d.tenant)
              .setRing(d.ring)
              .setVendor(e.getKey())
              .setProduct(product.id())
              .setAgentVersion(e.getValue().get(product.id()))
              .setContentVersion(ids.size() > 1 ? e.getValue().get(ids.get(1)) : null)
              .setMode(product.mode() == ComponentMode.KERNEL ? SensorMode.KERNEL : SensorMode.USER)
              .setHealth(SensorHealth.OK)
              .setTime(Instant.ofEpochMilli(time))
              .setComponents(e.getValue())
              .build());
      events++;
    }
  }

  /** Event and boot ids from the seeded generator, so that a seed gives the same events. */
  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private void schedule(long time, Kind kind, int device, Object payload) {
    timers.add(new Timer(time, seq++, kind, device, payload));
  }
}
