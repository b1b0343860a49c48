package dev.crashwatch.simulator;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

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

  /** Bugchecks of the background crashes every fleet has, unrelated to any version. */
  private static final String[] BASELINE_BUGCHECKS = {"0x1E", "0xD1", "0x7E", "0x133"};

  private static final String BASELINE_MODULE = "ntoskrnl.exe";

  private enum Kind {
    BOOT,
    HEARTBEAT,
    UPDATE,
    CRASH,
    UPLOAD,
    POWER_OFF,
    WAVE,
    BASELINE,
    FLUSH
  }

  /** Why a device crashes: a faulty rollout (maybe looping), a crash wave, or the baseline. */
  private record Cause(String bugcheck, String module, String rollout) {
    boolean fromRollout() {
      return rollout != null;
    }
  }

  private record Timer(long time, long seq, Kind kind, int device, int life, Object payload)
      implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final Scenario scenario;
  private final WireSink sink;
  private final Topics topics;
  private final SplittableRandom random;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final List<SimulatedDevice> devices = new ArrayList<>();
  private final Map<NetworkOutage, List<Runnable>> held = new LinkedHashMap<>();
  private final Map<String, Long> crashedByRing = new LinkedHashMap<>();
  private final Set<Integer> crashedByRollout = new HashSet<>();
  private final Set<Integer> crashedAtAll = new HashSet<>();
  private final Map<String, Instant> firstFaultyCrash = new LinkedHashMap<>();
  private final List<SignalMoment> moments = new ArrayList<>();
  private final Set<String> signalled = new HashSet<>();
  private PipelineFeedback feedback;
  private long stepMs;
  private RolloutController controller;
  private double speed;
  private long paceStartNanos;
  private long seq;
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
   * Paces a lock-step run to {@code factor} times real time (1 for a live demo), instead of as fast
   * as the pipeline takes it; the pipeline still bounds it. At most once per step, so the pace is
   * kept to a step.
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
    while (!timers.isEmpty() && timers.peek().time() <= end) {
      while (feedback != null && timers.peek().time() >= nextStep) {
        awaitPipeline(nextStep);
        nextStep += stepMs;
      }
      Timer timer = timers.poll();
      while (timer.time() >= nextProgress) {
        progress.accept(Instant.ofEpochMilli(nextProgress));
        nextProgress += progressEvery.toMillis();
      }
      fire(timer);
    }
    // Whatever a network outage still holds at the end is delivered late, as devices would.
    held.values().forEach(list -> list.forEach(Runnable::run));
    held.clear();
    sink.flush();
    if (feedback != null) {
      awaitPipeline(end);
    }
    scenario.fleet().ringNames().forEach(r -> crashedByRing.putIfAbsent(r, 0L));
    return new SimulationResult(
        events,
        crashes,
        crashReports,
        duplicates,
        malformed,
        Map.copyOf(crashedByRing),
        crashedAtAll.size(),
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
        for (SimulatedDevice d : devices) {
          if (d.up && rollout.version().equals(d.versions.get(rollout.component()))) {
            revert(d, time);
            heartbeats(d, time);
            // A new life: the crash its faulty version had planned will not come, and a device
            // that booted into that crash had no heartbeats scheduled; start them again.
            d.life++;
            scheduleFirstHeartbeat(d, time);
          }
        }
      }
    }
  }

  /** Waits until wall time has caught up with {@code time} at the chosen speed, if one is set. */
  private void pace(long time) {
    if (speed <= 0) {
      return;
    }
    long simulatedMs = time - scenario.start().toEpochMilli();
    long dueNanos = paceStartNanos + (long) (simulatedMs * 1e6 / speed);
    long waitNanos = dueNanos - System.nanoTime();
    if (waitNanos > 0) {
      try {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pacing the simulation", e);
      }
    }
  }

  private SignalMoment moment(String target, String action, long time, boolean byController) {
    Map<String, Long> byRing = new LinkedHashMap<>();
    scenario.fleet().ringNames().forEach(r -> byRing.put(r, crashedByRing.getOrDefault(r, 0L)));
    return new SignalMoment(target, action, Instant.ofEpochMilli(time), byRing, byController);
  }

  /** Puts back the versions a rolled-back rollout replaced on this device. */
  private void revert(SimulatedDevice d, long time) {
    if (controller == null) {
      return;
    }
    for (Map.Entry<String, String> e : List.copyOf(d.versions.entrySet())) {
      String before = d.previous.get(e.getKey());
      if (before != null && controller.rolledBack(e.getKey(), e.getValue())) {
        d.versions.put(e.getKey(), before);
        d.previous.remove(e.getKey());
        d.looping = false;
      }
    }
  }

  private void createFleet() {
    long start = scenario.start().toEpochMilli();
    long beat = scenario.fleet().heartbeatEvery().toMillis();
    long skew = scenario.telemetry().clockSkew().toMillis();
    int tenants = scenario.fleet().tenants();
    for (int i = 0; i < scenario.fleet().devices(); i++) {
      String ring = pickRing();
      Map<String, String> versions = new LinkedHashMap<>();
      for (Component c : scenario.fleet().components()) {
        versions.put(c.id(), pickVersion(c.versions()));
      }
      long offset = skew == 0 ? 0 : random.nextLong(-skew, skew + 1);
      SimulatedDevice d = new SimulatedDevice(i, i % tenants, ring, versions, offset);
      devices.add(d);
      // Boots spread over the first heartbeat interval, so load is even from the start.
      schedule(start + (long) (random.nextDouble() * beat), Kind.BOOT, d, ShutdownKind.CLEAN);
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
            schedule(at, Kind.UPDATE, d, rollout);
          }
        }
      }
    }
  }

  private void scheduleIncidents() {
    for (PowerOutage outage : scenario.incidents(PowerOutage.class)) {
      long at = scenario.timeAt(outage.at()).toEpochMilli();
      for (SimulatedDevice d : devices) {
        if (d.tenant == outage.tenant() && random.nextDouble() < outage.share()) {
          schedule(at, Kind.POWER_OFF, d, outage);
        }
      }
    }
    for (SensorTampering tampering : scenario.incidents(SensorTampering.class)) {
      long at = scenario.timeAt(tampering.at()).toEpochMilli();
      for (SimulatedDevice d : devices) {
        if (d.tenant == tampering.tenant() && random.nextDouble() < tampering.share()) {
          d.sensorHealth = tampering.health();
          d.sensorHealthFrom = at;
        }
      }
    }
    for (CrashWave wave : scenario.incidents(CrashWave.class)) {
      schedule(scenario.timeAt(wave.at()).toEpochMilli(), Kind.WAVE, devices.get(0), wave);
    }
    for (NetworkOutage outage : scenario.incidents(NetworkOutage.class)) {
      held.put(outage, new ArrayList<>());
      long end = scenario.timeAt(outage.at().plus(outage.duration())).toEpochMilli();
      schedule(end, Kind.FLUSH, devices.get(0), outage);
    }
  }

  /** The fleet's background crashes: a Poisson process over all devices. */
  private void scheduleBaselineCrash(long after) {
    double perDeviceDay = scenario.fleet().baselineCrashesPerDeviceDay();
    if (perDeviceDay <= 0) {
      return;
    }
    double perMs = perDeviceDay * devices.size() / DAY.toMillis();
    long gap = (long) Math.ceil(-Math.log(1 - random.nextDouble()) / perMs);
    SimulatedDevice victim = devices.get(random.nextInt(devices.size()));
    schedule(after + gap, Kind.BASELINE, victim, null);
  }

  private void fire(Timer timer) {
    SimulatedDevice d = devices.get(timer.device());
    boolean stale = timer.life() != d.life;
    switch (timer.kind()) {
      case BOOT -> boot(d, timer.time(), (ShutdownKind) timer.payload());
      case HEARTBEAT -> {
        if (!stale && d.up) {
          heartbeats(d, timer.time());
          schedule(
              timer.time() + scenario.fleet().heartbeatEvery().toMillis(), Kind.HEARTBEAT, d, null);
        }
      }
      case UPDATE -> update(d, timer.time(), (Rollout) timer.payload());
      case CRASH -> {
        // a crash caused by a rollout needs the device to still run it (not rolled back)
        Cause cause = (Cause) timer.payload();
        if (!stale && (!cause.fromRollout() || activeFault(d) != null)) {
          crash(d, timer.time(), cause);
        }
      }
      case UPLOAD -> {
        Crash report = (Crash) timer.payload();
        emit(
            d,
            timer.time(),
            topics.crashes(),
            report.getUploadTime().toEpochMilli(),
            () -> sink.send(report));
      }
      case POWER_OFF -> powerOff(d, timer.time(), (PowerOutage) timer.payload());
      case WAVE -> crashWave(timer.time(), (CrashWave) timer.payload());
      case BASELINE -> {
        if (d.up) {
          String code = BASELINE_BUGCHECKS[random.nextInt(BASELINE_BUGCHECKS.length)];
          crash(d, timer.time(), new Cause(code, BASELINE_MODULE, null));
        }
        scheduleBaselineCrash(timer.time());
      }
      case FLUSH -> {
        List<Runnable> spooled = held.remove((NetworkOutage) timer.payload());
        if (spooled != null) {
          spooled.forEach(Runnable::run);
        }
      }
    }
  }

  private void boot(SimulatedDevice d, long time, ShutdownKind previous) {
    d.up = true;
    revert(d, time);
    d.bootId = uuid();
    Boot boot =
        Boot.newBuilder()
            .setEventId(uuid())
            .setDeviceId(d.id)
            .setTenantId(d.tenantId())
            .setRing(d.ring)
            .setBootId(d.bootId)
            .setBootTime(Instant.ofEpochMilli(time + d.clockSkewMs))
            .setOsBuild(d.versions.getOrDefault("windows", "unknown"))
            .setPreviousShutdown(previous)
            .setComponents(Map.copyOf(d.versions))
            .build();
    emit(d, time, topics.boots(), time + d.clockSkewMs, () -> sink.send(boot));
    Rollout faulty = activeFault(d);
    Fault fault = faulty == null ? null : faulty.faultIfAny().orElseThrow();
    if (fault != null && (d.looping || random.nextDouble() < fault.crashProbability())) {
      d.looping = fault.loop();
      schedule(time + fault.after().sample(random).toMillis(), Kind.CRASH, d, cause(faulty));
    } else {
      d.looping = false;
      scheduleFirstHeartbeat(d, time);
    }
  }

  /** The first heartbeat of a device's life, at a random point of the heartbeat interval. */
  private void scheduleFirstHeartbeat(SimulatedDevice d, long time) {
    long beat = scenario.fleet().heartbeatEvery().toMillis();
    schedule(time + (long) (random.nextDouble() * beat), Kind.HEARTBEAT, d, null);
  }

  /** The faulty rollout whose version the device runs, if its other versions make it apply. */
  private Rollout activeFault(SimulatedDevice d) {
    for (Rollout r : scenario.rollouts()) {
      if (r.isFaulty()
          && r.version().equals(d.versions.get(r.component()))
          && r.faultIfAny().get().appliesTo(d.versions)) {
        return r;
      }
    }
    return null;
  }

  private static Cause cause(Rollout rollout) {
    Fault fault = rollout.faultIfAny().orElseThrow();
    return new Cause(fault.bugcheck(), fault.module(), rollout.target().toString());
  }

  private void update(SimulatedDevice d, long time, Rollout rollout) {
    if (rollout.version().equals(d.versions.get(rollout.component()))
        || (controller != null && controller.halted(rollout))) {
      return;
    }
    if (!d.up || inNetworkOutage(d, time) != null) {
      // Offline devices take the update once they are back.
      schedule(time + REBOOT.toMillis(), Kind.UPDATE, d, rollout);
      return;
    }
    d.previous.put(rollout.component(), d.versions.put(rollout.component(), rollout.version()));
    heartbeats(d, time);
    rollout
        .faultIfAny()
        .filter(f -> f.appliesTo(d.versions) && random.nextDouble() < f.crashProbability())
        .ifPresent(
            f -> {
              d.looping = f.loop();
              schedule(time + f.after().sample(random).toMillis(), Kind.CRASH, d, cause(rollout));
            });
  }

  private void crashWave(long start, CrashWave wave) {
    long span = Math.max(1, wave.duration().toMillis());
    for (SimulatedDevice d : devices) {
      if (wave.version().equals(d.versions.get(wave.component()))
          && random.nextDouble() < wave.crashProbability()) {
        schedule(
            start + (long) (random.nextDouble() * span),
            Kind.CRASH,
            d,
            new Cause(wave.bugcheck(), wave.module(), null));
      }
    }
  }

  private void powerOff(SimulatedDevice d, long time, PowerOutage outage) {
    if (!d.up) {
      return;
    }
    goDown(d);
    schedule(time + outage.duration().toMillis(), Kind.BOOT, d, ShutdownKind.UNEXPECTED_POWER_LOSS);
  }

  private void crash(SimulatedDevice d, long time, Cause cause) {
    if (!d.up) {
      return;
    }
    goDown(d);
    crashes++;
    crashedAtAll.add(d.index);
    if (cause.fromRollout()) {
      firstFaultyCrash.putIfAbsent(cause.rollout(), Instant.ofEpochMilli(time));
      if (crashedByRollout.add(d.index)) {
        crashedByRing.merge(d.ring, 1L, Long::sum);
      }
    }
    long reboot = time + REBOOT.toMillis();
    schedule(reboot, Kind.BOOT, d, ShutdownKind.CRASH);
    if (random.nextDouble() < scenario.telemetry().crashUploadLoss()) {
      return;
    }
    // The report goes out after the machine is back up, often later still.
    long upload = reboot + scenario.telemetry().uploadDelay().sample(random).toMillis();
    Crash report =
        Crash.newBuilder()
            .setEventId(uuid())
            .setDeviceId(d.id)
            .setTenantId(d.tenantId())
            .setRing(d.ring)
            .setBootId(d.bootId)
            .setCrashTime(Instant.ofEpochMilli(time + d.clockSkewMs))
            .setUploadTime(Instant.ofEpochMilli(upload + d.clockSkewMs))
            .setKind(CrashKind.KERNEL_BUGCHECK)
            .setBugcheckCode(cause.bugcheck())
            .setBugcheckParameters(List.of())
            .setFaultingModule(cause.module())
            .setComponents(Map.copyOf(d.versions))
            .build();
    crashReports++;
    schedule(upload, Kind.UPLOAD, d, report);
  }

  private void goDown(SimulatedDevice d) {
    d.up = false;
    d.life++;
  }

  /** One heartbeat per sensor vendor (kernel or user mode component with a module). */
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
    long reported = time + d.clockSkewMs;
    for (Map.Entry<String, Map<String, String>> e : byVendor.entrySet()) {
      Component product = firstOfVendor.get(e.getKey());
      List<String> ids = new ArrayList<>(e.getValue().keySet());
      SensorHeartbeat beat =
          SensorHeartbeat.newBuilder()
              .setEventId(uuid())
              .setDeviceId(d.id)
              .setTenantId(d.tenantId())
              .setRing(d.ring)
              .setVendor(e.getKey())
              .setProduct(product.id())
              .setAgentVersion(e.getValue().get(product.id()))
              .setContentVersion(ids.size() > 1 ? e.getValue().get(ids.get(1)) : null)
              .setMode(product.mode() == ComponentMode.KERNEL ? SensorMode.KERNEL : SensorMode.USER)
              .setHealth(time >= d.sensorHealthFrom ? d.sensorHealth : SensorHealth.OK)
              .setTime(Instant.ofEpochMilli(reported))
              .setComponents(Map.copyOf(e.getValue()))
              .build();
      emit(d, time, topics.heartbeats(), reported, () -> sink.send(beat));
    }
  }

  /**
   * Delivers one event with the scenario's noise: held back while the device's tenant has a network
   * outage, replaced by garbage for a share of records, sent twice for another share.
   */
  private void emit(SimulatedDevice d, long sendTime, String topic, long timestamp, Runnable send) {
    Runnable deliver = () -> deliver(d, topic, timestamp, send);
    NetworkOutage outage = inNetworkOutage(d, sendTime);
    if (outage != null && held.containsKey(outage)) {
      held.get(outage).add(deliver);
      return;
    }
    deliver.run();
  }

  private void deliver(SimulatedDevice d, String topic, long timestamp, Runnable send) {
    events++;
    if (random.nextDouble() < scenario.telemetry().malformed()) {
      malformed++;
      sink.sendRaw(topic, d.id.getBytes(StandardCharsets.UTF_8), garbage(), timestamp);
      return;
    }
    send.run();
    if (random.nextDouble() < scenario.telemetry().duplicates()) {
      events++;
      duplicates++;
      send.run();
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

  private NetworkOutage inNetworkOutage(SimulatedDevice d, long time) {
    for (NetworkOutage o : scenario.incidents(NetworkOutage.class)) {
      long from = scenario.timeAt(o.at()).toEpochMilli();
      long to = scenario.timeAt(o.at().plus(o.duration())).toEpochMilli();
      if (d.tenant == o.tenant() && time >= from && time < to) {
        return o;
      }
    }
    return null;
  }

  /** Event and boot ids from the seeded generator, so that a seed gives the same events. */
  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private void schedule(long time, Kind kind, SimulatedDevice d, Object payload) {
    timers.add(new Timer(time, seq++, kind, d.index, d.life, payload));
  }
}
