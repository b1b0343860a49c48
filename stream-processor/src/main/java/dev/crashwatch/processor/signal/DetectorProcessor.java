package dev.crashwatch.processor.signal;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalEvidence;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.processor.detect.Baseline;
import dev.crashwatch.processor.detect.Blame;
import dev.crashwatch.processor.detect.BlameResolver;
import dev.crashwatch.processor.detect.DetectorAction;
import dev.crashwatch.processor.detect.DetectorThresholds;
import dev.crashwatch.processor.detect.Gate;
import dev.crashwatch.processor.detect.Overlaps;
import dev.crashwatch.processor.detect.SignalState;
import dev.crashwatch.processor.detect.SignalStateMachine;
import dev.crashwatch.processor.detect.SpikeTest;
import dev.crashwatch.processor.detect.TestResult;
import dev.crashwatch.processor.detect.Transition;
import dev.crashwatch.processor.detect.VersionFigures;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.PairKey;
import dev.crashwatch.processor.state.SignalStateRecord;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector, on the single-partition detector input: it sees the latest figures of every
 * component version and pair, keeps them in {@link #FIGURES_STORE}, and every {@code interval} of
 * stream time (driven by upstream ticks) runs the decision core ({@link SpikeTest} against the rest
 * of the fleet of each component, {@link BlameResolver} with the pair cross counts, {@link
 * SignalStateMachine}), keeps each version's {@link SignalState} in {@link #STATES_STORE} (written
 * only when it changes), and forwards one {@link RollbackSignal} and one {@link SpikeAlert} per
 * state change. Every {@code healthInterval} it forwards a {@link VendorHealth} snapshot of each
 * version whose vendor is known.
 *
 * <p>A version without sibling versions of its component (no rest of fleet) is tested against the
 * whole fleet (all devices, all crashed devices in the window): it cannot be told apart from a
 * fleet-wide crash wave, so it is not signalled unless it stands out from the fleet; once signalled
 * it holds its state while it has no comparison group (a rollout that went on regardless of the
 * signal must not resolve it just by replacing every other version), and stays a blame candidate at
 * that level. A version whose siblings have fewer than 1% of its devices counts as without any.
 *
 * <p>Crashed devices are those newly crashed in the last {@code window} of event time (per-minute
 * buckets). Exposed devices are those that ran the version in the window: running it now, or having
 * left it within the window (a rolled-back version keeps the devices it crashed, and a replaced
 * version the devices it had, until they leave the window). Silent devices (see {@link
 * DeviceStateProcessor#SILENCE_STORE}) count like crashes, by the minute they were found silent, in
 * the same window, while they stay silent, in the pair cross counts too.
 *
 * <p>A faulting module belongs to a component when {@code componentModules} says so (component →
 * module names), or else when the module's name contains the component's vendor name (learned from
 * heartbeats), e.g. {@code acmesensor.sys} for the components of vendor {@code acme}.
 */
public final class DetectorProcessor
    implements Processor<String, VersionStats, String, SpecificRecord> {

  public static final String FIGURES_STORE = "detector-figures";
  public static final String STATES_STORE = "signal-states";
  private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);

  /**
   * A version whose rest of fleet has fewer than 1/ALONE_RATIO of its devices is alone: a handful
   * of stragglers (devices offline while the rest updated) cannot refute a signal, and their
   * smoothed rate is no baseline.
   */
  private static final long ALONE_RATIO = 100;

  /** Baseline kind of a held verdict. */
  static final String HELD = "held: no comparison group";

  private final Duration interval;
  private final Duration healthInterval;
  private final long windowMs;
  private final Map<String, List<String>> componentModules;
  private final SpikeTest spikeTest;
  private final BlameResolver resolver;
  private final SignalStateMachine machine;
  private ProcessorContext<String, SpecificRecord> context;
  private PipelineMetrics metrics;
  private KeyValueStore<String, VersionStats> figuresStore;
  private KeyValueStore<String, SignalStateRecord> statesStore;

  /** The time every upstream version-stats task has reached (and through them every input). */
  private final SourceWatermark watermark = new SourceWatermark();

  private long nextEvaluation;
  private long nextSnapshot;

  public DetectorProcessor(
      DetectorThresholds thresholds,
      Duration window,
      Duration interval,
      Duration healthInterval,
      Map<String, List<String>> componentModules) {
    this.interval = interval;
    this.healthInterval = healthInterval;
    this.windowMs = window.toMillis();
    this.componentModules = Map.copyOf(componentModules);
    this.spikeTest = new SpikeTest(thresholds);
    this.resolver = new BlameResolver(spikeTest);
    this.machine = new SignalStateMachine(thresholds);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.metrics = PipelineMetrics.of(context);
    this.figuresStore = context.getStateStore(FIGURES_STORE);
    this.statesStore = context.getStateStore(STATES_STORE);
  }

  /**
   * Figures are stored as they come; evaluations run on a tick, which each upstream task sends
   * after its batch of changed figures, so that a batch is evaluated whole (a stream-time
   * punctuation would fire in the middle of a batch, on a half-updated view), and only up to the
   * time that every upstream task has reached ({@link SourceWatermark}).
   */
  @Override
  public void process(Record<String, VersionStats> record) {
    if (!SourceWatermark.isTick(record.key())) {
      figuresStore.put(record.key(), record.value());
      return;
    }
    long now = watermark.advance(record.key(), record.timestamp());
    if (now < 0) {
      return;
    }
    if (now >= nextEvaluation) {
      nextEvaluation = next(now, interval);
      metrics.evaluation(now, () -> evaluate(now));
    }
    if (now >= nextSnapshot) {
      nextSnapshot = next(now, healthInterval);
      snapshotHealth(now);
    }
  }

  private static long next(long now, Duration every) {
    long ms = Math.max(1, every.toMillis());
    return Math.floorDiv(now, ms) * ms + ms;
  }

  /** Figures of every version and the pair cross counts, at {@code now}. */
  private record View(
      Map<String, VersionFigures> figures, Overlaps overlaps, Map<String, String> vendors) {}

  private View view(long now) {
    Map<String, VersionStats> versions = new TreeMap<>();
    Map<String, String> vendors = new HashMap<>();
    Overlaps overlaps = new Overlaps();
    try (KeyValueIterator<String, VersionStats> all = figuresStore.all()) {
      while (all.hasNext()) {
        KeyValue<String, VersionStats> kv = all.next();
        if (PairKey.isPair(kv.key)) {
          long crashed = crashed(kv.value, now) + silent(kv.value, now);
          long exposed =
              Math.max(
                  VersionStatsProcessor.exposedBetween(kv.value, now - windowMs, now), crashed);
          if (exposed > 0) {
            overlaps.put(PairKey.first(kv.key), PairKey.second(kv.key), crashed, exposed);
          }
        } else if (kv.key.indexOf('@') > 0) {
          versions.put(kv.key, kv.value);
          if (kv.value.getVendor() != null) {
            vendors.put(VersionKey.parse(kv.key).component(), kv.value.getVendor());
          }
        }
      }
    }
    Map<String, VersionFigures> figures = new TreeMap<>();
    versions.forEach(
        (key, stats) -> figures.put(key, figures(VersionKey.parse(key), stats, now, vendors)));
    return new View(figures, overlaps, vendors);
  }

  private long crashed(VersionStats stats, long now) {
    return VersionStatsProcessor.crashedBetween(stats, now - windowMs, now);
  }

  private long silent(VersionStats stats, long now) {
    return VersionStatsProcessor.silentBetween(stats, now - windowMs, now);
  }

  private VersionFigures figures(
      VersionKey key, VersionStats stats, long now, Map<String, String> vendors) {
    Map<String, Long> rings = new TreeMap<>();
    stats
        .getExposedByRing()
        .forEach(
            (r, n) -> {
              if (n > 0) {
                rings.put(r, n);
              }
            });
    long crashed = crashed(stats, now);
    long silent = silent(stats, now);
    // The devices that ran the version in the window, not only those running it now: a
    // rolled-back version keeps the devices it crashed (and their late reports) in its rate, and
    // the version a rollout replaced keeps the devices it had, until they leave the window.
    long exposed =
        Math.max(
            VersionStatsProcessor.exposedBetween(stats, now - windowMs, now), crashed + silent);
    Map.Entry<String, Long> bugcheck = top(stats.getBugchecks());
    Map.Entry<String, Long> module = top(stats.getModules());
    String topModule = module == null ? null : module.getKey();
    return new VersionFigures(
        key.component(),
        key.version(),
        exposed,
        rings,
        crashed,
        silent,
        stats.getFirstCrashTime() > 0 ? Instant.ofEpochMilli(stats.getFirstCrashTime()) : null,
        stats.getFirstSeenTime() > 0 ? Instant.ofEpochMilli(stats.getFirstSeenTime()) : null,
        bugcheck == null ? null : bugcheck.getKey(),
        bugcheck == null ? 0 : bugcheck.getValue(),
        topModule,
        module == null ? 0 : module.getValue(),
        belongs(key.component(), topModule, vendors.get(key.component())));
  }

  private boolean belongs(String component, String module, String vendor) {
    if (module == null) {
      return false;
    }
    List<String> configured = componentModules.get(component);
    if (configured != null) {
      return configured.stream().anyMatch(m -> m.equalsIgnoreCase(module));
    }
    return vendor != null
        && !vendor.isBlank()
        && module.toLowerCase(Locale.ROOT).contains(vendor.toLowerCase(Locale.ROOT));
  }

  private static Map.Entry<String, Long> top(Map<String, Long> counts) {
    Map.Entry<String, Long> best = null;
    for (Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
      if (best == null || e.getValue() > best.getValue()) {
        best = e;
      }
    }
    return best;
  }

  private void evaluate(long now) {
    View view = view(now);
    // The whole fleet, for a version without sibling versions (it runs on every device that
    // runs its component): distinct devices are at most the largest per-component sums.
    Map<String, long[]> perComponent = new HashMap<>();
    for (VersionFigures f : view.figures().values()) {
      long[] sums = perComponent.computeIfAbsent(f.component(), c -> new long[2]);
      sums[0] += f.crashedDevices() + f.silentDevices();
      sums[1] += f.exposedDevices();
    }
    long fleetCrashed = perComponent.values().stream().mapToLong(a -> a[0]).max().orElse(0);
    long fleetExposed = perComponent.values().stream().mapToLong(a -> a[1]).max().orElse(0);
    Map<String, TestResult> results = new TreeMap<>();
    TreeSet<String> alone = new TreeSet<>();
    for (VersionFigures f : view.figures().values()) {
      Baseline baseline = Baseline.restOfFleet(f, view.figures().values());
      if (baseline.exposedDevices() * ALONE_RATIO < f.exposedDevices()
          || baseline.exposedDevices() == 0) {
        alone.add(f.key());
        baseline =
            new Baseline(
                Baseline.REST_OF_FLEET, Math.min(fleetCrashed, fleetExposed), 0, fleetExposed);
      }
      TestResult result = spikeTest.test(f, baseline);
      SignalStateRecord stored = alone.contains(f.key()) ? statesStore.get(f.key()) : null;
      if (stored != null && fromRecord(stored).action().isActive() && f.exposedDevices() > 0) {
        // held (see the class comment): it stays a candidate at its level, so that it still
        // explains the versions it makes crash (the sensor build content 291 needs)
        result = held(result, fromRecord(stored).action());
      }
      results.put(f.key(), result);
    }
    Map<String, Blame> blames = resolver.resolve(view.figures(), results, view.overlaps());

    TreeSet<String> keys = new TreeSet<>(view.figures().keySet());
    try (KeyValueIterator<String, SignalStateRecord> all = statesStore.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (String key : keys) {
      SignalStateRecord stored = statesStore.get(key);
      SignalState state = stored == null ? SignalState.INITIAL : fromRecord(stored);
      VersionFigures f = view.figures().get(key);
      Blame blame = blames.get(key);
      DetectorAction level =
          blame != null && blame.blamed() ? blame.result().level() : DetectorAction.NONE;
      if (state.equals(SignalState.INITIAL) && level == DetectorAction.NONE) {
        continue;
      }
      if (alone.contains(key) && state.action().isActive()) {
        // A signalled version that now runs on every device of its component (a rollout that went
        // on regardless) has nothing left to be compared with: no evidence that it recovered, so it
        // holds its state until no device runs it or a comparison group comes back.
        level = state.action();
      }
      VersionKey vk = VersionKey.parse(key);
      SignalStateMachine.Step step =
          machine.step(
              state, vk.component(), vk.version(), level, f == null ? 0 : f.exposedDevices());
      if (!step.state().equals(state)) {
        statesStore.put(key, toRecord(step.state()));
      }
      if (step.transition().isPresent()) {
        Transition t = step.transition().get();
        TestResult result = blame != null ? blame.result() : results.get(key);
        publish(key, t, f, result, blame, view.vendors().get(vk.component()), now);
      }
    }
  }

  /** A version's result with nothing to compare it with: passing at the level it holds. */
  private static TestResult held(TestResult r, DetectorAction level) {
    return new TestResult(
        r.failedDevices(),
        r.exposedDevices(),
        r.rate(),
        r.baselineRate(),
        HELD,
        r.rateRatio(),
        r.pValue(),
        r.logPValue(),
        r.z(),
        true,
        Gate.NONE,
        level);
  }

  private void publish(
      String key,
      Transition t,
      VersionFigures f,
      TestResult result,
      Blame blame,
      String vendor,
      long now) {
    long crashed = f == null ? 0 : f.crashedDevices();
    long exposed = f == null ? 0 : f.exposedDevices();
    double rate = f == null ? 0 : f.failureRate();
    double baselineRate = result == null ? 0 : result.baselineRate();
    String reason;
    if (t.action() == DetectorAction.RESOLVED) {
      reason =
          exposed == 0
              ? "resolved: no device has run the version within the window"
              : String.format(
                  Locale.ROOT,
                  "resolved: %d of %d devices crashed in the window (rate %.4g against %.4g),"
                      + " no longer elevated",
                  crashed,
                  exposed,
                  rate,
                  baselineRate);
    } else {
      reason = blame != null ? blame.reason() : "";
    }
    SignalEvidence evidence =
        SignalEvidence.newBuilder()
            .setCrashedDevices(crashed)
            .setSilentDevices(f == null ? 0 : f.silentDevices())
            .setExposedDevices(exposed)
            .setCrashRate(rate)
            .setBaselineRate(baselineRate)
            .setBaseline(result == null ? Baseline.REST_OF_FLEET : result.baselineKind())
            .setSignificance(result == null ? 0 : result.z())
            .setPValue(result == null ? 1.0 : result.pValue())
            .setTopBugcheck(f == null ? null : f.topBugcheck())
            .setTopModule(f == null ? null : f.topModule())
            .setModuleBelongsToComponent(f != null && f.moduleBelongsToComponent())
            .setRingsReached(f == null ? List.of() : List.copyOf(f.exposedByRing().keySet()))
            .setFirstCrashTime(f == null ? null : f.firstCrashTime())
            .setDecisionTime(Instant.ofEpochMilli(now))
            .build();
    RollbackSignal signal =
        RollbackSignal.newBuilder()
            .setSignalId(t.signalId())
            .setComponent(t.component())
            .setVersion(t.version())
            .setAction(t.action().toSignalAction())
            .setPreviousAction(
                t.previousAction() == null ? null : t.previousAction().toSignalAction())
            .setEpisode(t.episode())
            .setReason(reason)
            .setEvidence(evidence)
            .build();
    String summary =
        String.format(
            Locale.ROOT,
            "%s %s: %d of %d devices crashed or silent (%.2f%% vs %.2f%%)%s",
            key,
            t.action(),
            f == null ? 0 : f.failedDevices(),
            exposed,
            100 * rate,
            100 * baselineRate,
            f == null || f.topBugcheck() == null
                ? ""
                : ", " + f.topBugcheck() + " in " + f.topModule());
    SpikeAlert alert =
        SpikeAlert.newBuilder()
            .setAlertId(t.signalId())
            .setComponent(t.component())
            .setVersion(t.version())
            .setVendor(vendor)
            .setSeverity(t.action().toSignalAction())
            .setSummary(summary)
            .setCrashedDevices(crashed)
            .setExposedDevices(exposed)
            .setCrashRate(rate)
            .setBaselineRate(baselineRate)
            .setTopBugcheck(f == null ? null : f.topBugcheck())
            .setTopModule(f == null ? null : f.topModule())
            .setTime(Instant.ofEpochMilli(now))
            .build();
    LOG.info("signal {} at {}: {}", t.signalId(), Instant.ofEpochMilli(now), reason);
    context.forward(new Record<>(key, signal, now));
    metrics.signal(signal.getAction().name());
    context.forward(new Record<>(key, alert, now));
  }

  private void snapshotHealth(long now) {
    View view = view(now);
    for (VersionFigures f : view.figures().values()) {
      String vendor = view.vendors().get(f.component());
      if (vendor == null || (f.exposedDevices() == 0 && f.crashedDevices() == 0)) {
        continue;
      }
      SignalStateRecord stored = statesStore.get(f.key());
      DetectorAction action =
          stored == null ? DetectorAction.NONE : DetectorAction.valueOf(stored.getAction());
      VendorHealth health =
          VendorHealth.newBuilder()
              .setVendor(vendor)
              .setComponent(f.component())
              .setVersion(f.version())
              .setSnapshotTime(Instant.ofEpochMilli(now))
              .setExposedDevices(
                  f.exposedByRing().values().stream().mapToLong(Long::longValue).sum())
              .setExposedByRing(f.exposedByRing())
              .setCrashedDevices(f.crashedDevices())
              .setSilentDevices(f.silentDevices())
              .setCrashRate(f.failureRate())
              .setSignal(action == DetectorAction.NONE ? null : action.toSignalAction())
              .build();
      context.forward(new Record<>(f.key(), health, now));
    }
  }

  static SignalState fromRecord(SignalStateRecord r) {
    return new SignalState(
        DetectorAction.valueOf(r.getAction()),
        r.getEpisode(),
        r.getEscalateStreak(),
        DetectorAction.valueOf(r.getPendingLevel()),
        r.getFailStreak());
  }

  static SignalStateRecord toRecord(SignalState s) {
    return SignalStateRecord.newBuilder()
        .setAction(s.action().name())
        .setEpisode(s.episode())
        .setEscalateStreak(s.escalateStreak())
        .setPendingLevel(s.pendingLevel().name())
        .setFailStreak(s.failStreak())
        .build();
  }
}
