package dev.crashwatch.simulator;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.scenario.Component;
import dev.crashwatch.simulator.scenario.ComponentMode;
import dev.crashwatch.simulator.scenario.CrashWave;
import dev.crashwatch.simulator.scenario.Fault;
import dev.crashwatch.simulator.scenario.NetworkOutage;
import dev.crashwatch.simulator.scenario.PowerOutage;
import dev.crashwatch.simulator.scenario.Ring;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.SensorTampering;
import dev.crashwatch.simulator.scenario.VersionShare;
import dev.crashwatch.simulator.scenario.Wave;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plays a scenario's fleet forward in simulated time and publishes what its devices would send: a
 * boot at the start, a heartbeat per sensor vendor every {@code heartbeatEvery}, updates as the
 * rollout waves reach each ring, crashes (and boot loops) where a faulty version lands, baseline
 * crashes across the fleet, the benign incidents, and the telemetry noise of the scenario.
 *
 * <p>Events are produced in the order devices send them, as fast as the sink takes them, and the
 * same seed gives the same events. {@link #inLockStep} makes the run wait for the pipeline at every
 * step of simulated time and, if asked, play the {@link RolloutController} in a closed loop: a
 * halted rollout updates no more devices; a rolled-back version is replaced by the version each
 * device ran before, at once on devices that are up and at the next boot on devices that are down
 * (a boot-looping device takes the rollback before the faulty version loads again).
 */
public final class FleetSimulator {

  /** Time a crashed machine takes to come back up. */
  static final Duration REBOOT = Duration.ofMinutes(2);

  private static final Duration DAY = Duration.ofDays(1);

  /** The span of simulated time one bucket of timers covers. */
  private static final long TIMER_BUCKET_MS = Duration.ofMinutes(1).toMillis();

  /** Bugchecks of the background crashes every fleet has, unrelated to any version. */
  private static final String[] BASELINE_BUGCHECKS = {"0x1E", "0xD1", "0x7E", "0x133"};

  private static final String BASELINE_MODULE = "ntoskrnl.exe";

  private static final ShutdownKind[] SHUTDOWN_KINDS = ShutdownKind.values();

  // Timer kinds; the payload of each is an index: a ShutdownKind, a rollout, a cause, a pending
  // report, an incident.
  private static final int BOOT = 0;
  private static final int HEARTBEAT = 1;
  private static final int UPDATE = 2;
  private static final int CRASH = 3;
  private static final int UPLOAD = 4;
  private static final int POWER_OFF = 5;
  private static final int WAVE = 6;
  private static final int BASELINE = 7;
  private static final int FLUSH = 8;

  /** Why a device crashes: a faulty rollout (maybe looping), a crash wave, or the baseline. */
  private record Cause(String bugcheck, String module, String rollout) {
    boolean fromRollout() {
      return rollout != null;
    }
  }

  /** The sensor heartbeats a device sends: one per vendor with a kernel or user mode module. */
  private record VendorBeat(String vendor, Component product, int[] components) {}

  /** A faulty rollout's version and the versions its fault needs, as indices. */
  private record FaultyVersion(Rollout rollout, int component, int version, int[][] onlyWith) {}

  private final Scenario scenario;
  private final WireSink sink;
  private final Topics topics;
  private final SplittableRandom random;
  private final DeviceTable devices;
  private final TimerQueue timers;
  private final PendingReports pending;
  private final List<Cause> causes = new ArrayList<>();
  private final Map<Cause, Integer> causeIndex = new HashMap<>();
  private final List<FaultyVersion> faulty = new ArrayList<>();
  private final List<VendorBeat> vendorBeats = new ArrayList<>();
  private final List<NetworkOutage> networkOutages;
  private final long[] networkOutageFrom;
  private final long[] networkOutageTo;
  private final List<PowerOutage> powerOutages;
  private final List<CrashWave> crashWaves;
  private final Map<NetworkOutage, List<LongConsumer>> held = new LinkedHashMap<>();
  private final Map<String, Long> crashedByRing = new LinkedHashMap<>();
  private final BitSet crashedByRollout = new BitSet();
  private final BitSet crashedAtAll = new BitSet();
  private final Map<String, Instant> firstFaultyCrash = new LinkedHashMap<>();
  private final List<SignalMoment> moments = new ArrayList<>();
  private final Set<String> signalled = new HashSet<>();
  private PipelineFeedback feedback;
  private long stepMs;
  private RolloutController controller;
  private double speed;
  private long paceStartNanos;
  private long events;
  private long crashes;
  private long crashReports;
  private long duplicates;
  private long malformed;

  public FleetSimulator(Scenario scenario, WireSink sink, Topics topics) {
    this.scenario = scenario;
    this.sink = sink;
    this.topics = topics;
    this.random = new SplittableRandom(scenario.seed());
    this.devices = new DeviceTable(scenario);
    this.timers =
        new TimerQueue(
            scenario.start().toEpochMilli(), scenario.end().toEpochMilli(), TIMER_BUCKET_MS);
    this.pending = new PendingReports(devices.components());
    for (Rollout r : scenario.rollouts()) {
      if (r.isFaulty()) {
        faulty.add(faultyVersion(r));
      }
    }
    this.networkOutages = scenario.incidents(NetworkOutage.class);
    this.networkOutageFrom = new long[networkOutages.size()];
    this.networkOutageTo = new long[networkOutages.size()];
    for (int i = 0; i < networkOutages.size(); i++) {
      NetworkOutage o = networkOutages.get(i);
      networkOutageFrom[i] = scenario.timeAt(o.at()).toEpochMilli();
      networkOutageTo[i] = scenario.timeAt(o.at().plus(o.duration())).toEpochMilli();
    }
    this.powerOutages = scenario.incidents(PowerOutage.class);
    this.crashWaves = scenario.incidents(CrashWave.class);
    vendorBeats();
  }

  private FaultyVersion faultyVersion(Rollout r) {
    int c = devices.component(r.component());
    Map<String, List<String>> onlyWith = r.faultIfAny().orElseThrow().onlyWith();
    int[][] allowed = new int[onlyWith.size()][];
    int i = 0;
    for (Map.Entry<String, List<String>> condition : onlyWith.entrySet()) {
      int component = devices.component(condition.getKey());
      // [component, version, version...]; an unknown component or version matches no device
      allowed[i++] =
          IntStream.concat(
                  IntStream.of(component),
                  condition.getValue().stream().mapToInt(v -> devices.version(component, v)))
              .toArray();
    }
    return new FaultyVersion(r, c, devices.version(c, r.version()), allowed);
  }

  /** Vendors in the order their first sensor component is listed, as heartbeats are sent. */
  private void vendorBeats() {
    Map<String, List<Integer>> byVendor = new LinkedHashMap<>();
    Map<String, Component> firstOfVendor = new LinkedHashMap<>();
    List<Component> components = scenario.fleet().components();
    for (int c = 0; c < components.size(); c++) {
      Component component = components.get(c);
      if (component.module() == null) {
        continue; // not a sensor: an OS build or a driver reports through boots and crashes
      }
      byVendor.computeIfAbsent(component.vendor(), v -> new ArrayList<>()).add(c);
      firstOfVendor.putIfAbsent(component.vendor(), component);
    }
    byVendor.forEach(
        (vendor, ids) ->
            vendorBeats.add(
                new VendorBeat(
                    vendor,
                    firstOfVendor.get(vendor),
                    ids.stream().mapToInt(Integer::intValue).toArray())));
  }

  /**
   * Makes {@link #run} wait for the pipeline before simulated time passes each {@code step}, and
   * play the rollout controller on the signals when {@code playController}.
   */
  public FleetSimulator inLockStep(
      PipelineFeedback feedback, Duration step, boolean playController) {
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step must be positive, got " + step);
    }
    this.feedback = feedback;
    this.stepMs = step.toMillis();
    this.controller = playController ? new RolloutController(scenario.rollouts()) : null;
    return this;
  }

  /**
   * Paces the run to {@code factor} times real time (1 for a live demo), instead of as fast as it
   * goes. In lock-step the pipeline still bounds it and the pace is kept once per step; without
   * lock-step the run is a live fleet: each event is sent when wall time reaches its simulated time
   * (what a live-latency measurement needs: nothing produced ahead of its time).
   */
  public FleetSimulator atSpeed(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("speed must be positive, got " + factor);
    }
    this.speed = factor;
    return this;
  }

  /**
   * Runs the whole scenario.
   *
   * @param progressEvery simulated time between calls of {@code progress}
   * @param progress called with the simulated instant reached
   */
  public SimulationResult run(Duration progressEvery, Consumer<Instant> progress) {
    long wallStart = System.nanoTime();
    createFleet();
    scheduleRollouts();
    scheduleIncidents();
    scheduleBaselineCrash(scenario.start().toEpochMilli());
    long end = scenario.end().toEpochMilli();
    long nextProgress = scenario.start().toEpochMilli() + progressEvery.toMillis();
    long nextStep = scenario.start().toEpochMilli() + stepMs;
    paceStartNanos = System.nanoTime();
    while (!timers.isEmpty() && timers.peekTime() <= end) {
      while (feedback != null && timers.peekTime() >= nextStep) {
        awaitPipeline(nextStep);
        nextStep += stepMs;
      }
      if (feedback == null) {
        pace(timers.peekTime());
      }
      timers.poll();
      while (timers.time() >= nextProgress) {
        progress.accept(Instant.ofEpochMilli(nextProgress));
        nextProgress += progressEvery.toMillis();
      }
      fire(timers.time(), timers.kind(), timers.device(), timers.life(), timers.payload());
    }
    // Whatever a network outage still holds at the end is delivered late, as devices would.
    held.values().forEach(list -> list.forEach(deliver -> deliver.accept(end)));
    held.clear();
    sink.flush();
    if (feedback != null) {
      awaitPipeline(end);
    }
    return new SimulationResult(
        events,
        crashes,
        crashReports,
        duplicates,
        malformed,
        crashedPerRing(),
        crashedAtAll.cardinality(),
        Map.copyOf(firstFaultyCrash),
        List.copyOf(moments),
        Duration.ofNanos(System.nanoTime() - wallStart));
  }

  /** Hands everything sent to the pipeline, waits for it, and acts on what it signalled. */
  private void awaitPipeline(long time) {
    sink.flush();
    pace(time);
    List<ObservedSignal> signals;
    try {
      signals = feedback.awaitProcessed(Instant.ofEpochMilli(time));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the pipeline", e);
    }
    for (ObservedSignal s : signals) {
      boolean severe = "HALT".equals(s.action()) || "ROLLBACK".equals(s.action());
      if (severe && signalled.add(s.target())) {
        moments.add(moment(s.target(), s.action(), time, false));
      }
    }
    if (controller == null) {
      return;
    }
    for (RolloutController.Decision decision : controller.decide(signals)) {
      Rollout rollout = decision.rollout();
      moments.add(moment(rollout.target().toString(), decision.because().action(), time, true));
      if (decision.rollBack()) {
        int c = devices.component(rollout.component());
        int version = devices.version(c, rollout.version());
        for (int d = 0; d < devices.size; d++) {
          if (devices.up(d) && devices.runs(d, c, version)) {
            revert(d);
            heartbeats(d, time);
            // A new life: the crash its faulty version had planned will not come, and a device
            // that booted into that crash had no heartbeats scheduled; start them again.
            devices.nextLife(d);
            scheduleFirstHeartbeat(d, time);
          }
        }
      }
    }
  }

  /**
   * The wall time ({@link System#nanoTime()}) at which a paced run reaches {@code simulated}: where
   * a live-latency measurement maps the run's simulated moments to the wall clock.
   *
   * @throws IllegalStateException unless the run is paced ({@link #atSpeed}) and has started
   */
  public long wallNanosAt(Instant simulated) {
    if (speed <= 0 || paceStartNanos == 0) {
      throw new IllegalStateException("only a paced run that has started maps to wall time");
    }
    long simulatedMs = simulated.toEpochMilli() - scenario.start().toEpochMilli();
    return paceStartNanos + (long) (simulatedMs * 1e6 / speed);
  }

  /** Waits until wall time has caught up with {@code time} at the chosen speed, if one is set. */
  private void pace(long time) {
    if (speed <= 0) {
      return;
    }
    long waitNanos = wallNanosAt(Instant.ofEpochMilli(time)) - System.nanoTime();
    // under a millisecond early is on time: sleeping that little costs more than it keeps
    if (waitNanos >= 1_000_000) {
      if (feedback == null) {
        sink.flush(); // a live fleet: what is due by now is on the broker before the wait
      }
      try {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pacing the simulation", e);
      }
    }
  }

  private SignalMoment moment(String target, String action, long time, boolean byController) {
    return new SignalMoment(
        target, action, Instant.ofEpochMilli(time), crashedPerRing(), byController);
  }

  /**
   * Devices crashed by faulty rollouts so far, per ring in the fleet's ring order (not {@code
   * Map.copyOf}, whose iteration order changes from one JVM to the next: reports of one seeded run
   * would print their rings in a different order every time).
   */
  private Map<String, Long> crashedPerRing() {
    Map<String, Long> byRing = new LinkedHashMap<>();
    scenario.fleet().ringNames().forEach(r -> byRing.put(r, crashedByRing.getOrDefault(r, 0L)));
    return Collections.unmodifiableMap(byRing);
  }

  /** Puts back the versions a rolled-back rollout replaced on this device. */
  private void revert(int d) {
    if (controller == null) {
      return;
    }
    for (int c = 0; c < devices.components(); c++) {
      int before = devices.previous(d, c);
      if (before >= 0 && controller.rolledBack(devices.componentId(c), devices.versionOf(d, c))) {
        devices.revert(d, c);
        devices.setLooping(d, false);
      }
    }
  }

  private void createFleet() {
    long start = scenario.start().toEpochMilli();
    long beat = scenario.fleet().heartbeatEvery().toMillis();
    long skew = scenario.telemetry().clockSkew().toMillis();
    List<Component> components = scenario.fleet().components();
    for (int i = 0; i < devices.size; i++) {
      int ring = pickRing();
      for (int c = 0; c < components.size(); c++) {
        devices.install(i, c, devices.version(c, pickVersion(components.get(c).versions())));
      }
      long offset = skew == 0 ? 0 : random.nextLong(-skew, skew + 1);
      devices.place(i, ring, Math.toIntExact(offset));
      // Boots spread over the first heartbeat interval, so load is even from the start.
      schedule(start + (long) (random.nextDouble() * beat), BOOT, i, ShutdownKind.CLEAN.ordinal());
    }
  }

  private int pickRing() {
    double x = random.nextDouble();
    List<Ring> rings = scenario.fleet().rings();
    for (int r = 0; r < rings.size(); r++) {
      x -= rings.get(r).share();
      if (x < 0) {
        return r;
      }
    }
    return rings.size() - 1;
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

  private String ringName(int d) {
    return scenario.fleet().rings().get(devices.ring(d)).name();
  }

  private void scheduleRollouts() {
    List<Rollout> rollouts = scenario.rollouts();
    for (int r = 0; r < rollouts.size(); r++) {
      Rollout rollout = rollouts.get(r);
      for (Wave wave : rollout.waves()) {
        long waveStart = scenario.timeAt(wave.at()).toEpochMilli();
        long spread = rollout.spreadOver().toMillis();
        int ring = scenario.fleet().ringIndex(wave.ring());
        for (int d = 0; d < devices.size; d++) {
          if (devices.ring(d) == ring) {
            long at = waveStart + (spread == 0 ? 0 : (long) (random.nextDouble() * spread));
            schedule(at, UPDATE, d, r);
          }
        }
      }
    }
  }

  private void scheduleIncidents() {
    for (int i = 0; i < powerOutages.size(); i++) {
      PowerOutage outage = powerOutages.get(i);
      long at = scenario.timeAt(outage.at()).toEpochMilli();
      for (int d = 0; d < devices.size; d++) {
        if (devices.tenant(d) == outage.tenant() && random.nextDouble() < outage.share()) {
          schedule(at, POWER_OFF, d, i);
        }
      }
    }
    for (SensorTampering tampering : scenario.incidents(SensorTampering.class)) {
      long at = scenario.timeAt(tampering.at()).toEpochMilli();
      for (int d = 0; d < devices.size; d++) {
        if (devices.tenant(d) == tampering.tenant() && random.nextDouble() < tampering.share()) {
          devices.tamper(d, tampering.health(), at);
        }
      }
    }
    for (int i = 0; i < crashWaves.size(); i++) {
      schedule(scenario.timeAt(crashWaves.get(i).at()).toEpochMilli(), WAVE, 0, i);
    }
    for (int i = 0; i < networkOutages.size(); i++) {
      held.put(networkOutages.get(i), new ArrayList<>());
      schedule(networkOutageTo[i], FLUSH, 0, i);
    }
  }

  /** The fleet's background crashes: a Poisson process over all devices. */
  private void scheduleBaselineCrash(long after) {
    double perDeviceDay = scenario.fleet().baselineCrashesPerDeviceDay();
    if (perDeviceDay <= 0) {
      return;
    }
    double perMs = perDeviceDay * devices.size / DAY.toMillis();
    long gap = (long) Math.ceil(-Math.log(1 - random.nextDouble()) / perMs);
    int victim = random.nextInt(devices.size);
    schedule(after + gap, BASELINE, victim, 0);
  }

  private void fire(long time, int kind, int d, int life, int payload) {
    boolean stale = life != devices.life(d);
    switch (kind) {
      case BOOT -> boot(d, time, SHUTDOWN_KINDS[payload]);
      case HEARTBEAT -> {
        if (!stale && devices.up(d)) {
          heartbeats(d, time);
          schedule(time + scenario.fleet().heartbeatEvery().toMillis(), HEARTBEAT, d, 0);
        }
      }
      case UPDATE -> update(d, time, payload);
      case CRASH -> {
        // a crash caused by a rollout needs the device to still run it (not rolled back)
        Cause cause = causes.get(payload);
        if (!stale && (!cause.fromRollout() || activeFault(d) != null)) {
          crash(d, time, cause);
        }
      }
      case UPLOAD -> upload(d, time, payload);
      case POWER_OFF -> powerOff(d, time, powerOutages.get(payload));
      case WAVE -> crashWave(time, crashWaves.get(payload));
      case BASELINE -> {
        if (devices.up(d)) {
          String code = BASELINE_BUGCHECKS[random.nextInt(BASELINE_BUGCHECKS.length)];
          crash(d, time, new Cause(code, BASELINE_MODULE, null));
        }
        scheduleBaselineCrash(time);
      }
      case FLUSH -> {
        List<LongConsumer> spooled = held.remove(networkOutages.get(payload));
        if (spooled != null) {
          spooled.forEach(deliver -> deliver.accept(time));
        }
      }
      default -> throw new IllegalStateException("unknown timer kind " + kind);
    }
  }

  private void boot(int d, long time, ShutdownKind previous) {
    devices.setUp(d, true);
    revert(d);
    devices.setBootId(d, random.nextLong(), random.nextLong());
    long skew = devices.clockSkewMs(d);
    int windows = devices.component("windows");
    Boot boot =
        Boot.newBuilder()
            .setEventId(uuid())
            .setDeviceId(DeviceTable.id(d))
            .setTenantId(devices.tenantId(d))
            .setRing(ringName(d))
            .setBootId(devices.bootId(d))
            .setBootTime(Instant.ofEpochMilli(time + skew))
            .setOsBuild(windows < 0 ? "unknown" : devices.versionOf(d, windows))
            .setPreviousShutdown(previous)
            .setComponents(devices.componentsOf(d))
            .build();
    emit(d, time, topics.boots(), boot);
    FaultyVersion faultyVersion = activeFault(d);
    Fault fault = faultyVersion == null ? null : faultyVersion.rollout().faultIfAny().orElseThrow();
    if (fault != null && (devices.looping(d) || random.nextDouble() < fault.crashProbability())) {
      devices.setLooping(d, fault.loop());
      schedule(
          time + fault.after().sample(random).toMillis(), CRASH, d, cause(faultyVersion.rollout()));
    } else {
      devices.setLooping(d, false);
      scheduleFirstHeartbeat(d, time);
    }
  }

  /** The first heartbeat of a device's life, at a random point of the heartbeat interval. */
  private void scheduleFirstHeartbeat(int d, long time) {
    long beat = scenario.fleet().heartbeatEvery().toMillis();
    schedule(time + (long) (random.nextDouble() * beat), HEARTBEAT, d, 0);
  }

  /** The faulty rollout whose version the device runs, if its other versions make it apply. */
  private FaultyVersion activeFault(int d) {
    for (FaultyVersion f : faulty) {
      if (devices.runs(d, f.component(), f.version()) && applies(f, d)) {
        return f;
      }
    }
    return null;
  }

  /** Fault.appliesTo on the device's columns: every onlyWith component at one of its versions. */
  private boolean applies(FaultyVersion f, int d) {
    for (int[] condition : f.onlyWith()) {
      int c = condition[0];
      if (c < 0) {
        return false;
      }
      int runs = devices.runs(d, c);
      boolean any = false;
      for (int i = 1; i < condition.length && !any; i++) {
        any = condition[i] == runs;
      }
      if (!any) {
        return false;
      }
    }
    return true;
  }

  private int cause(Rollout rollout) {
    Fault fault = rollout.faultIfAny().orElseThrow();
    return cause(new Cause(fault.bugcheck(), fault.module(), rollout.target().toString()));
  }

  private int cause(Cause cause) {
    return causeIndex.computeIfAbsent(
        cause,
        c -> {
          causes.add(c);
          return causes.size() - 1;
        });
  }

  private void update(int d, long time, int r) {
    Rollout rollout = scenario.rollouts().get(r);
    int c = devices.component(rollout.component());
    int version = devices.version(c, rollout.version());
    if (devices.runs(d, c, version) || (controller != null && controller.halted(rollout))) {
      return;
    }
    if (!devices.up(d) || inNetworkOutage(d, time) >= 0) {
      // Offline devices take the update once they are back.
      schedule(time + REBOOT.toMillis(), UPDATE, d, r);
      return;
    }
    devices.update(d, c, version);
    heartbeats(d, time);
    Optional<Fault> fault = rollout.faultIfAny();
    if (fault.isPresent()
        && applies(faultyVersionOf(rollout), d)
        && random.nextDouble() < fault.get().crashProbability()) {
      devices.setLooping(d, fault.get().loop());
      schedule(time + fault.get().after().sample(random).toMillis(), CRASH, d, cause(rollout));
    }
  }

  private FaultyVersion faultyVersionOf(Rollout rollout) {
    for (FaultyVersion f : faulty) {
      if (f.rollout() == rollout) {
        return f;
      }
    }
    throw new IllegalStateException("not a faulty rollout: " + rollout.target());
  }

  private void crashWave(long start, CrashWave wave) {
    long span = Math.max(1, wave.duration().toMillis());
    int c = devices.component(wave.component());
    int version = devices.version(c, wave.version());
    int cause = cause(new Cause(wave.bugcheck(), wave.module(), null));
    for (int d = 0; d < devices.size; d++) {
      if (devices.runs(d, c, version) && random.nextDouble() < wave.crashProbability()) {
        schedule(start + (long) (random.nextDouble() * span), CRASH, d, cause);
      }
    }
  }

  private void powerOff(int d, long time, PowerOutage outage) {
    if (!devices.up(d)) {
      return;
    }
    goDown(d);
    schedule(
        time + outage.duration().toMillis(), BOOT, d, ShutdownKind.UNEXPECTED_POWER_LOSS.ordinal());
  }

  private void crash(int d, long time, Cause cause) {
    if (!devices.up(d)) {
      return;
    }
    goDown(d);
    crashes++;
    crashedAtAll.set(d);
    if (cause.fromRollout()) {
      firstFaultyCrash.putIfAbsent(cause.rollout(), Instant.ofEpochMilli(time));
      if (!crashedByRollout.get(d)) {
        crashedByRollout.set(d);
        crashedByRing.merge(ringName(d), 1L, Long::sum);
      }
    }
    long reboot = time + REBOOT.toMillis();
    schedule(reboot, BOOT, d, ShutdownKind.CRASH.ordinal());
    if (random.nextDouble() < scenario.telemetry().crashUploadLoss()) {
      return;
    }
    // The report goes out after the machine is back up, often later still. What it will say is
    // kept compactly until then (the event id is drawn now, as the report is written now).
    long upload = reboot + scenario.telemetry().uploadDelay().sample(random).toMillis();
    long skew = devices.clockSkewMs(d);
    long eventHigh = random.nextLong();
    long eventLow = random.nextLong();
    int slot =
        pending.add(
            eventHigh,
            eventLow,
            devices.bootIdHigh(d),
            devices.bootIdLow(d),
            time + skew,
            upload + skew,
            cause(cause),
            devices,
            d);
    crashReports++;
    schedule(upload, UPLOAD, d, slot);
  }

  /** Sends a crash report kept since the crash, and frees its slot. */
  private void upload(int d, long time, int slot) {
    Cause cause = causes.get(pending.cause(slot));
    Map<String, String> components = new HashMap<>();
    for (int c = 0; c < devices.components(); c++) {
      components.put(devices.componentId(c), devices.versionName(c, pending.version(slot, c)));
    }
    Crash report =
        Crash.newBuilder()
            .setEventId(new UUID(pending.eventIdHigh(slot), pending.eventIdLow(slot)).toString())
            .setDeviceId(DeviceTable.id(d))
            .setTenantId(devices.tenantId(d))
            .setRing(ringName(d))
            .setBootId(new UUID(pending.bootIdHigh(slot), pending.bootIdLow(slot)).toString())
            .setCrashTime(Instant.ofEpochMilli(pending.crashTime(slot)))
            .setUploadTime(Instant.ofEpochMilli(pending.uploadTime(slot)))
            .setKind(CrashKind.KERNEL_BUGCHECK)
            .setBugcheckCode(cause.bugcheck())
            .setBugcheckParameters(List.of())
            .setFaultingModule(cause.module())
            .setComponents(Map.copyOf(components))
            .build();
    pending.release(slot);
    emit(d, time, topics.crashes(), report);
  }

  private void goDown(int d) {
    devices.setUp(d, false);
    devices.nextLife(d);
  }

  /** One heartbeat per sensor vendor (kernel or user mode component with a module). */
  private void heartbeats(int d, long time) {
    long reported = time + devices.clockSkewMs(d);
    for (VendorBeat v : vendorBeats) {
      Map<String, String> versions = new HashMap<>();
      for (int c : v.components()) {
        versions.put(devices.componentId(c), devices.versionOf(d, c));
      }
      Component product = v.product();
      SensorHeartbeat beat =
          SensorHeartbeat.newBuilder()
              .setEventId(uuid())
              .setDeviceId(DeviceTable.id(d))
              .setTenantId(devices.tenantId(d))
              .setRing(ringName(d))
              .setVendor(v.vendor())
              .setProduct(product.id())
              .setAgentVersion(versions.get(product.id()))
              .setContentVersion(
                  v.components().length > 1 ? devices.versionOf(d, v.components()[1]) : null)
              .setMode(product.mode() == ComponentMode.KERNEL ? SensorMode.KERNEL : SensorMode.USER)
              .setHealth(devices.sensorHealth(d, time))
              .setTime(Instant.ofEpochMilli(reported))
              .setComponents(Map.copyOf(versions))
              .build();
      emit(d, time, topics.heartbeats(), beat);
    }
  }

  /**
   * Delivers one event with the scenario's noise: held back while the device's tenant has a network
   * outage, replaced by garbage for a share of records, sent twice for another share. The record
   * timestamp is the simulated time of delivery (see {@link WireSink}): the device's clock, skew
   * and all, is only in the event.
   */
  private void emit(int d, long sendTime, String topic, SpecificRecord event) {
    LongConsumer deliver = arrival -> deliver(d, topic, arrival, event);
    int outage = inNetworkOutage(d, sendTime);
    if (outage >= 0 && held.containsKey(networkOutages.get(outage))) {
      held.get(networkOutages.get(outage)).add(deliver);
      return;
    }
    deliver.accept(sendTime);
  }

  private void deliver(int d, String topic, long arrival, SpecificRecord event) {
    events++;
    String id = DeviceTable.id(d);
    if (random.nextDouble() < scenario.telemetry().malformed()) {
      malformed++;
      sink.sendRaw(topic, id.getBytes(StandardCharsets.UTF_8), garbage(), arrival);
      return;
    }
    sink.send(topic, id, event, arrival);
    if (random.nextDouble() < scenario.telemetry().duplicates()) {
      events++;
      duplicates++;
      sink.send(topic, id, event, arrival);
    }
  }

  /** The kinds of garbage a broken agent or a bit flip puts on the wire. */
  private byte[] garbage() {
    byte[] tail = new byte[8 + random.nextInt(24)];
    random.nextBytes(tail);
    return switch (random.nextInt(3)) {
      case 0 -> concat(new byte[] {1, 0, 0, 0, 1}, tail); // wrong magic byte
      case 1 ->
          concat(new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, tail); // unknown id
      default -> new byte[] {0, 0}; // truncated
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The network outage of the device's tenant at {@code time}, as an index, or -1. */
  private int inNetworkOutage(int d, long time) {
    for (int i = 0; i < networkOutages.size(); i++) {
      if (devices.tenant(d) == networkOutages.get(i).tenant()
          && time >= networkOutageFrom[i]
          && time < networkOutageTo[i]) {
        return i;
      }
    }
    return -1;
  }

  /** Event and boot ids from the seeded generator, so that a seed gives the same events. */
  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private void schedule(long time, int kind, int d, int payload) {
    timers.add(time, kind, d, devices.life(d), payload);
  }
}
