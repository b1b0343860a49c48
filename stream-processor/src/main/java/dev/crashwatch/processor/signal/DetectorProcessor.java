package dev.crashwatch.processor.signal;

import dev.crashwatch.events.AlertKind;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SignalEvidence;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.processor.Percent;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.ComponentCatalogue;
import dev.crashwatch.processor.detect.Baseline;
import dev.crashwatch.processor.detect.Blame;
import dev.crashwatch.processor.detect.BlameResolver;
import dev.crashwatch.processor.detect.DetectorAction;
import dev.crashwatch.processor.detect.DetectorThresholds;
import dev.crashwatch.processor.detect.Gate;
import dev.crashwatch.processor.detect.Overlaps;
import dev.crashwatch.processor.detect.SensorAlertKind;
import dev.crashwatch.processor.detect.SensorCounts;
import dev.crashwatch.processor.detect.SensorHealthTest;
import dev.crashwatch.processor.detect.SequentialEvidence;
import dev.crashwatch.processor.detect.SequentialVerdict;
import dev.crashwatch.processor.detect.SignalState;
import dev.crashwatch.processor.detect.SignalStateMachine;
import dev.crashwatch.processor.detect.SpikeTest;
import dev.crashwatch.processor.detect.TestResult;
import dev.crashwatch.processor.detect.Transition;
import dev.crashwatch.processor.detect.VersionFigures;
import dev.crashwatch.processor.ingest.DeviceInput;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.state.DeviceStateProcessor;
import dev.crashwatch.processor.state.EvaluationSchedule;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.PairKey;
import dev.crashwatch.processor.state.SignalStateRecord;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.StatsKeyKind;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import dev.crashwatch.processor.state.VersionStatsProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
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
 * stream time (driven by upstream ticks) runs the decision core: the anytime-valid tests of every
 * version, fed by the {@link EvidenceLedger} (state in {@link #EVIDENCE_STORE}) and gated by {@link
 * SpikeTest#decide}, {@link BlameResolver} with the pair cross counts (read only when there are
 * candidates), and the {@link SignalStateMachine}. It keeps each version's {@link SignalState} in
 * {@link #STATES_STORE} (written only when it changes), and forwards one {@link RollbackSignal} and
 * one {@link SpikeAlert} per state change. Every {@code healthInterval} it forwards a {@link
 * VendorHealth} snapshot of each version whose component the operator's {@link ComponentCatalogue}
 * knows, to its vendor's feed if that feed exists ({@link VendorFeeds}); an uncatalogued component,
 * or a vendor without a feed, is counted and logged once, and published to no vendor.
 *
 * <p>A version without sibling versions of its component in the window (no rest of fleet) is shown
 * against the whole fleet, and tested against its predecessor's history ({@link
 * dev.crashwatch.processor.detect.HistoryRateTest}); once signalled it holds at least its state
 * while it has no comparison group (a rollout that went on regardless of the signal must not
 * resolve it just by replacing every other version), and stays a blame candidate at that level. A
 * version whose siblings have fewer than 1% of its devices counts as without any.
 *
 * <p>Crashed devices are those newly crashed in the last {@code window} of event time (per-minute
 * buckets). Exposed devices are those that ran the version in the window: running it now, or having
 * left it within the window (a rolled-back version keeps the devices it crashed, and a replaced
 * version the devices it had, until they leave the window). Silent devices (see {@link
 * DeviceStateProcessor#SILENCE_STORE}) count like crashes, by the minute they were found silent, in
 * the same window, while they stay silent, in the pair cross counts too.
 *
 * <p>A faulting module belongs to a component when the catalogue lists it among the component's
 * modules; for a component the catalogue gives no modules, when {@code componentModules} (the
 * {@code detector.component.modules} setting) says so, or else when the module's name contains the
 * catalogued vendor's name, e.g. {@code acmesensor.sys} for the components of vendor {@code acme}.
 */
public final class DetectorProcessor
    implements Processor<StatsKey, byte[], String, SpecificRecord> {

  public static final String FIGURES_STORE = "detector-figures";
  public static final String STATES_STORE = "signal-states";
  public static final String EVIDENCE_STORE = "sequential-evidence";
  private static final Logger LOG = LoggerFactory.getLogger(DetectorProcessor.class);

  /**
   * Version health snapshots go out at most this often per version (in stream time): a dashboard
   * needs minutes, not every evaluation, and the compacted topic keeps only the last anyway.
   */
  static final Duration VERSION_HEALTH_EVERY = Duration.ofMinutes(1);

  /** Baseline kind of a held verdict. */
  static final String HELD = "held: no comparison group";

  private final Duration healthInterval;
  private final long windowMs;
  private final Map<String, List<String>> componentModules;
  private final VendorFeeds feeds;
  private final Function<String, String> feedTopic;
  private ComponentCatalogue catalogue;

  /** Components without a catalogue entry, and vendors without a feed, seen so far: logged once. */
  private final Set<String> uncatalogued = new HashSet<>();

  private final Set<String> withoutFeed = new HashSet<>();
  private final SpikeTest spikeTest;
  private EvidenceLedger ledger;
  private final BlameResolver resolver;
  private final SensorHealthTest sensorTest;
  private final SignalStateMachine machine;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<StatsKey, byte[]> figuresStore;

  /**
   * Decodes the stored figures: the store keeps the bytes as they come (VersionStatsProcessor
   * encodes them), so a record is decoded only when an evaluation reads it.
   */
  private final Deserializer<VersionStats> figuresReader =
      new InternalAvroSerde<>(VersionStats.class).deserializer();

  private KeyValueStore<StatsKey, SignalStateRecord> statesStore;
  private PipelineMetrics metrics;

  /** The time every upstream version-stats task has reached (and through them every input). */
  private SourceWatermark watermark;

  /** The interval boundaries to evaluate at, kept across restarts. */
  private final EvaluationSchedule schedule;

  private long nextSnapshot;
  private long nextVersionHealth;

  private DetectorProcessor(
      DetectorThresholds thresholds,
      Duration window,
      Duration interval,
      Duration healthInterval,
      Map<String, List<String>> componentModules,
      VendorFeeds feeds,
      Function<String, String> feedTopic) {
    this.schedule = new EvaluationSchedule(interval, window);
    this.healthInterval = healthInterval;
    this.windowMs = window.toMillis();
    this.componentModules = Map.copyOf(componentModules);
    this.feeds = feeds;
    this.feedTopic = feedTopic;
    this.spikeTest = new SpikeTest(thresholds);
    this.resolver = new BlameResolver(spikeTest);
    this.sensorTest = new SensorHealthTest(spikeTest);
    this.machine = new SignalStateMachine(thresholds);
  }

  /** The detector with the processor's settings, publishing health to {@code feeds}. */
  public static DetectorProcessor of(
      ProcessorSettings settings, VendorFeeds feeds, Function<String, String> feedTopic) {
    return new DetectorProcessor(
        settings.detectorThresholds(),
        settings.detectorWindow(),
        settings.detectorInterval(),
        settings.vendorHealthInterval(),
        settings.componentModules(),
        feeds,
        feedTopic);
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    // a task may be re-initialised after a migration or an aborted transaction: the schedule of
    // evaluations and snapshots starts over from the stores
    this.nextSnapshot = 0;
    this.nextVersionHealth = 0;
    this.metrics = PipelineMetrics.of(context);
    this.figuresStore = context.getStateStore(FIGURES_STORE);
    this.statesStore = context.getStateStore(STATES_STORE);
    this.ledger =
        new EvidenceLedger(
            context.getStateStore(EVIDENCE_STORE),
            spikeTest.thresholds().budget(),
            spikeTest.thresholds().baselineRateFloor(),
            windowMs);
    this.watermark = SourceWatermark.of(context);
    this.schedule.init(context.getStateStore(EvaluationSchedule.STORE));
    this.catalogue = new ComponentCatalogue(context.getStateStore(ComponentCatalogue.STORE));
  }

  /**
   * Figures are stored as they come; evaluations run on a tick, which each upstream task sends
   * after its batch of changed figures, so that a batch is evaluated whole (a stream-time
   * punctuation would fire in the middle of a batch, on a half-updated view), and only up to the
   * time that every upstream task has reached ({@link SourceWatermark}), at the interval boundaries
   * it crosses ({@link EvaluationSchedule}).
   */
  @Override
  public void process(Record<StatsKey, byte[]> record) {
    if (!SourceWatermark.isTick(record.key())) {
      figuresStore.put(record.key(), record.value());
      return;
    }
    for (long boundary : schedule.due(watermark.advance(record.key(), record.timestamp()))) {
      // the window that ends just before the boundary: its per-minute buckets are complete (every
      // upstream task has sent all of them before its tick of the boundary), the boundary's own
      // minute is still arriving
      long at = EvaluationSchedule.windowEnd(boundary);
      metrics.evaluation(at, () -> evaluate(at));
      if (at >= nextSnapshot) {
        nextSnapshot = next(at, healthInterval);
        snapshotHealth(at);
      }
    }
  }

  private static long next(long now, Duration every) {
    long ms = Math.max(1, every.toMillis());
    return Math.floorDiv(now, ms) * ms + ms;
  }

  /**
   * Figures of every version and tenant at {@code now}, and each version's crashed devices per ring
   * in the window (for the health snapshots only). Not the pair cross counts: they are nearly all
   * of the store (k(k-1)/2 pairs for k components a device runs), and blame reads them only when
   * some version is a candidate ({@link #overlaps}).
   */
  private record View(
      Map<VersionKey, VersionStats> stats,
      Map<String, VersionFigures> figures,
      Map<String, String> vendors,
      Map<String, Map<String, Long>> crashedByRing,
      Map<VersionKey, SensorCounts> versionSensors,
      Map<String, SensorCounts> tenantSensors) {}

  private View view(long now) {
    Map<VersionKey, VersionStats> versions = new HashMap<>();
    Map<String, String> vendors = new HashMap<>();
    Map<VersionKey, SensorCounts> versionSensors = new HashMap<>();
    Map<String, SensorCounts> tenantSensors = new TreeMap<>();
    try (KeyValueIterator<StatsKey, byte[]> all = scan(StatsKeyKind.VERSION)) {
      while (all.hasNext()) {
        KeyValue<StatsKey, byte[]> kv = all.next();
        VersionStats stats = decode(kv.value);
        if (stats.getFirstSeenTime() > now) {
          // no device ran it by now: only a faster device-state task's later minutes have
          // reached it, and whether they have by this evaluation depends on how the tasks
          // interleave (a first look would start its evidence here, at no devices at risk)
          continue;
        }
        versions.put(VersionKey.from(kv.key), stats);
        versionSensors.put(VersionKey.from(kv.key), sensors(stats));
        catalogue
            .entry(kv.key.getComponent())
            .ifPresent(e -> vendors.put(kv.key.getComponent(), e.getVendor()));
      }
    }
    try (KeyValueIterator<StatsKey, byte[]> all = scan(StatsKeyKind.TENANT)) {
      all.forEachRemaining(kv -> tenantSensors.put(kv.key.getTenant(), sensors(decode(kv.value))));
    }
    Map<String, VersionFigures> figures = new TreeMap<>();
    Map<String, Map<String, Long>> crashedByRing = new HashMap<>();
    versions.forEach(
        (key, stats) -> {
          figures.put(key.toString(), figures(key, stats, now, vendors));
          crashedByRing.put(
              key.toString(),
              VersionStatsProcessor.crashedByRingBetween(stats, now - windowMs, now));
        });
    return new View(versions, figures, vendors, crashedByRing, versionSensors, tenantSensors);
  }

  /** The figures of one kind of key, in key order, without reading any other kind. */
  private KeyValueIterator<StatsKey, byte[]> scan(StatsKeyKind kind) {
    return figuresStore.prefixScan(
        InternalAvroSerde.enumPrefix(kind.ordinal()), new ByteArraySerializer());
  }

  /**
   * The cross counts blame needs at {@code now}: those of every pair with a version of one of the
   * candidates' components (the pairs {@link Overlaps} describes, and the versions that {@link
   * BlameResolver}'s unmasking tests against a blamed candidate), none when there is no candidate.
   * A pair's key is made from its two versions ({@link PairKey#of}), so each is looked up: a
   * candidate component's versions times every version, thousands of lookups at full scale against
   * hundreds of thousands of pair keys in the store. Pairs of versions the detector has no figures
   * of are never read by blame, so they are not looked up.
   */
  private Overlaps overlaps(long now, Set<String> candidateComponents, Set<VersionKey> versions) {
    Overlaps overlaps = new Overlaps();
    for (VersionKey candidateVersion : versions) {
      if (!candidateComponents.contains(candidateVersion.component())) {
        continue;
      }
      for (VersionKey other : versions) {
        // not the same component, and a pair of two candidates' components from one side only
        boolean otherIsOfACandidate = candidateComponents.contains(other.component());
        if (other.component().equals(candidateVersion.component())
            || (otherIsOfACandidate
                && other.toString().compareTo(candidateVersion.toString()) < 0)) {
          continue;
        }
        StatsKey pair = PairKey.of(candidateVersion, other);
        byte[] figures = figuresStore.get(pair);
        if (figures != null) {
          putOverlap(overlaps, pair, figures, now);
        }
      }
    }
    return overlaps;
  }

  private void putOverlap(Overlaps overlaps, StatsKey pair, byte[] figures, long now) {
    VersionStats stats = decode(figures);
    long crashed = crashed(stats, now) + silent(stats, now);
    long exposed =
        Math.max(VersionStatsProcessor.exposedBetween(stats, now - windowMs, now), crashed);
    if (exposed > 0) {
      overlaps.put(
          PairKey.first(pair).toString(), PairKey.second(pair).toString(), crashed, exposed);
    }
  }

  private VersionStats decode(byte[] figures) {
    return figuresReader.deserialize(FIGURES_STORE, figures);
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
    // the window's top module, not the version's all-time one: ROLLBACK's module evidence must be
    // about the same crashes as its counts
    Map<String, Long> modules = VersionStatsProcessor.modulesBetween(stats, now - windowMs, now);
    Map.Entry<String, Long> module = top(modules);
    String topModule = module == null ? null : module.getKey();
    String vendor = vendors.get(key.component());
    long ownModule = 0;
    for (Map.Entry<String, Long> m : modules.entrySet()) {
      if (belongs(key.component(), m.getKey(), vendor)) {
        ownModule += m.getValue();
      }
    }
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
        belongs(key.component(), topModule, vendor),
        ownModule);
  }

  private boolean belongs(String component, String module, String vendor) {
    if (module == null) {
      return false;
    }
    List<String> catalogued =
        catalogue.entry(component).map(CatalogueEntry::getModules).orElse(List.of());
    if (!catalogued.isEmpty()) {
      return catalogued.stream().anyMatch(m -> m.equalsIgnoreCase(module));
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
    Map<String, SequentialVerdict> verdicts = ledger.look(view.stats(), view.figures(), now);
    Map<String, TestResult> results = new TreeMap<>();
    TreeSet<String> alone = new TreeSet<>();
    for (VersionFigures f : view.figures().values()) {
      Baseline baseline = Baseline.restOfFleet(f, view.figures().values());
      // the same rule as the tests' regimes: a handful of stragglers (devices offline while the
      // rest updated) cannot refute a signal, and their smoothed rate is no baseline
      if (SequentialEvidence.alone(f.exposedDevices(), baseline.exposedDevices())) {
        alone.add(f.key());
        baseline =
            new Baseline(
                Baseline.REST_OF_FLEET, Math.min(fleetCrashed, fleetExposed), 0, fleetExposed);
      }
      TestResult result =
          spikeTest.decide(
              spikeTest.test(f, baseline), verdicts.get(f.key()), f.moduleBelongsToComponent());
      SignalStateRecord stored =
          alone.contains(f.key())
              ? statesStore.get(VersionKey.of(f.component(), f.version()))
              : null;
      if (stored != null && fromRecord(stored).action().isActive() && f.exposedDevices() > 0) {
        // held (see the class comment): it stays a candidate at its level, so that it still
        // explains the versions it makes crash (the sensor build content 291 needs)
        DetectorAction heldAt = fromRecord(stored).action();
        result =
            held(result, heldAt.severity() > result.level().severity() ? heldAt : result.level());
      }
      results.put(f.key(), result);
    }
    Set<String> candidateComponents = new HashSet<>();
    for (String candidate : BlameResolver.candidates(view.figures(), results)) {
      candidateComponents.add(view.figures().get(candidate).component());
    }
    Map<String, Blame> blames =
        resolver.resolve(
            view.figures(), results, overlaps(now, candidateComponents, view.stats().keySet()));

    // every version with figures or a state, by its output key (component@version)
    Map<String, VersionKey> keys = new TreeMap<>();
    view.figures()
        .values()
        .forEach(f -> keys.put(f.key(), new VersionKey(f.component(), f.version())));
    try (KeyValueIterator<StatsKey, SignalStateRecord> all = statesStore.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.key.getKind() == StatsKeyKind.VERSION) {
              VersionKey vk = VersionKey.from(kv.key);
              keys.put(vk.toString(), vk);
            }
          });
    }
    for (Map.Entry<String, VersionKey> entry : keys.entrySet()) {
      String key = entry.getKey();
      VersionKey vk = entry.getValue();
      SignalStateRecord stored = statesStore.get(vk.toKey());
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
      SignalStateMachine.Step step =
          machine.step(
              state, vk.component(), vk.version(), level, f == null ? 0 : f.exposedDevices());
      if (!step.state().equals(state)) {
        statesStore.put(vk.toKey(), toRecord(step.state()));
      }
      if (step.transition().isPresent()) {
        Transition t = step.transition().get();
        TestResult result = blame != null ? blame.result() : results.get(key);
        publish(key, t, f, result, blame, view.vendors().get(vk.component()), now);
      }
    }
    raiseSensorAlerts(view, now);
    if (now >= nextVersionHealth) {
      nextVersionHealth = next(now, VERSION_HEALTH_EVERY);
      publishVersionHealth(view, results, now);
    }
  }

  private static SensorCounts sensorsOf(View view, VersionFigures f) {
    return view.versionSensors()
        .getOrDefault(new VersionKey(f.component(), f.version()), SensorCounts.NONE);
  }

  private static SensorCounts sensors(VersionStats stats) {
    return new SensorCounts(
        VersionStatsProcessor.exposed(stats),
        stats.getDegradedDevices(),
        stats.getTamperedDevices());
  }

  /**
   * Sensor health is security evidence: a version whose devices report tampered (or degraded)
   * sensors far more often than the other versions of its component, or a tenant far more often
   * than the other tenants, raises one SOC alert ({@link SensorHealthTest}, HALT level); it may
   * alert again once the rise is gone (below WATCH). Raised alerts are kept in the signal-states
   * store, so a restart does not repeat them.
   */
  private void raiseSensorAlerts(View view, long now) {
    Map<String, Map<String, SensorCounts>> byComponent = new TreeMap<>();
    Map<String, VersionKey> versionOf = new HashMap<>();
    view.versionSensors()
        .forEach(
            (vk, counts) -> {
              byComponent
                  .computeIfAbsent(vk.component(), c -> new TreeMap<>())
                  .put(vk.toString(), counts);
              versionOf.put(vk.toString(), vk);
            });
    for (SensorAlertKind kind : SensorAlertKind.values()) {
      for (Map<String, SensorCounts> versions : byComponent.values()) {
        sensorTest
            .test(versions, kind)
            .forEach(
                (name, result) -> {
                  VersionKey vk = versionOf.get(name);
                  StatsKey key =
                      StatsKey.newBuilder()
                          .setKind(StatsKeyKind.SENSOR_ALERT)
                          .setComponent(vk.component())
                          .setVersion(vk.version())
                          .setHealth(kind.name())
                          .build();
                  updateSensorAlert(key, kind, result, vk, null, view, now);
                });
      }
      sensorTest
          .test(view.tenantSensors(), kind)
          .forEach(
              (tenant, result) -> {
                StatsKey key =
                    StatsKey.newBuilder()
                        .setKind(StatsKeyKind.SENSOR_ALERT)
                        .setTenant(tenant)
                        .setHealth(kind.name())
                        .build();
                updateSensorAlert(key, kind, result, null, tenant, view, now);
              });
    }
  }

  private void updateSensorAlert(
      StatsKey key,
      SensorAlertKind kind,
      TestResult result,
      VersionKey version,
      String tenant,
      View view,
      long now) {
    boolean raised = statesStore.get(key) != null;
    boolean high =
        result.level() == DetectorAction.HALT || result.level() == DetectorAction.ROLLBACK;
    if (raised && result.level() == DetectorAction.NONE) {
      statesStore.delete(key);
      return;
    }
    if (raised || !high) {
      return;
    }
    statesStore.put(
        key, toRecord(new SignalState(DetectorAction.HALT, 1, 0, DetectorAction.NONE, 0)));
    String subject = version != null ? version.toString() : "tenant " + tenant;
    String summary =
        String.format(
            Locale.ROOT,
            "%s: %d of %d devices report %s sensors (%s vs %s elsewhere)",
            subject,
            result.failedDevices(),
            result.exposedDevices(),
            kind,
            Percent.ofFraction(result.rate()),
            Percent.ofFraction(result.baselineRate()));
    SpikeAlert alert =
        SpikeAlert.newBuilder()
            .setAlertId(
                "sensor-"
                    + kind.name().toLowerCase(Locale.ROOT)
                    + ":"
                    + subject.replace(' ', ':')
                    + "@"
                    + Instant.ofEpochMilli(now))
            .setKind(
                kind == SensorAlertKind.TAMPERED
                    ? AlertKind.SENSOR_TAMPERING
                    : AlertKind.SENSOR_DEGRADATION)
            .setComponent(version == null ? "" : version.component())
            .setVersion(version == null ? "" : version.version())
            .setTenant(tenant)
            .setVendor(version == null ? null : view.vendors().get(version.component()))
            .setSeverity(SignalAction.HALT)
            .setSummary(summary)
            .setCrashedDevices(0)
            .setAffectedDevices(result.failedDevices())
            .setExposedDevices(result.exposedDevices())
            .setCrashRate(result.rate())
            .setBaselineRate(result.baselineRate())
            .setTime(Instant.ofEpochMilli(now))
            .build();
    LOG.warn("SOC alert {}", summary);
    context.forward(
        new Record<>(version != null ? version.toString() : "tenant:" + tenant, alert, now));
  }

  /**
   * One {@link VersionHealth} per version that ran on a device in the window or holds a signal: the
   * detector's own figures and test result, so a dashboard shows exactly what was decided on.
   */
  private void publishVersionHealth(View view, Map<String, TestResult> results, long now) {
    for (VersionFigures f : view.figures().values()) {
      SignalStateRecord stored = statesStore.get(VersionKey.of(f.component(), f.version()));
      DetectorAction action =
          stored == null ? DetectorAction.NONE : DetectorAction.valueOf(stored.getAction());
      if (f.exposedDevices() == 0 && !action.isActive()) {
        continue;
      }
      TestResult result = results.get(f.key());
      VersionHealth health =
          VersionHealth.newBuilder()
              .setComponent(f.component())
              .setVersion(f.version())
              .setVendor(view.vendors().get(f.component()))
              .setSnapshotTime(Instant.ofEpochMilli(now))
              .setExposedDevices(f.exposedDevices())
              .setExposedByRing(f.exposedByRing())
              .setCrashedDevices(f.crashedDevices())
              .setCrashedByRing(view.crashedByRing().getOrDefault(f.key(), Map.of()))
              .setSilentDevices(f.silentDevices())
              .setDegradedDevices(sensorsOf(view, f).degraded())
              .setTamperedDevices(sensorsOf(view, f).tampered())
              .setCrashRate(f.failureRate())
              .setBaselineRate(result == null ? 0 : result.baselineRate())
              .setBaseline(result == null ? Baseline.REST_OF_FLEET : result.baselineKind())
              .setRateRatio(result == null || f.failedDevices() == 0 ? 0 : result.rateRatio())
              .setStatistic(statistic(result))
              .setThreshold(threshold(result))
              .setState(action == DetectorAction.NONE ? null : action.toSignalAction())
              .build();
      context.forward(new Record<>(f.key(), health, now));
    }
  }

  /**
   * The statistic of snapshots and signals: {@code log10} of the anytime-valid test's e-value, so
   * higher is stronger evidence and the figure stays readable where the e-value is astronomical; 0
   * without a test.
   */
  static double statistic(TestResult result) {
    return result == null || result.sequential() == null ? 0 : result.sequential().log10EValue();
  }

  /**
   * The HALT threshold of the statistic, of the test that speaks for the version ({@code log10} of
   * one over its share of the budget); the two-sample test's without a result.
   */
  private double threshold(TestResult result) {
    return result == null || result.sequential() == null
        ? -Math.log10(spikeTest.thresholds().budget().twoSample(DetectorAction.HALT))
        : result.sequential().log10Threshold(DetectorAction.HALT);
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
        level,
        r.sequential());
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
    SequentialVerdict sequential = result == null ? null : result.sequential();
    // the threshold of the level signalled; a resolution shows HALT's, the one it fell below
    DetectorAction thresholdLevel = t.action().isActive() ? t.action() : DetectorAction.HALT;
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
            .setTest(test(result))
            .setStatistic(sequential == null ? 0 : sequential.log10EValue())
            .setThreshold(sequential == null ? 0 : sequential.log10Threshold(thresholdLevel))
            .setRateRatioLower(sequential == null ? null : sequential.ratioLower())
            .setRateRatioUpper(sequential == null ? null : sequential.ratioUpper())
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
            "%s %s: %d of %d devices crashed or silent (%s vs %s)%s",
            key,
            t.action(),
            f == null ? 0 : f.failedDevices(),
            exposed,
            Percent.ofFraction(rate),
            Percent.ofFraction(baselineRate),
            f == null || f.topBugcheck() == null
                ? ""
                : ", " + f.topBugcheck() + " in " + f.topModule());
    SpikeAlert alert =
        SpikeAlert.newBuilder()
            .setAlertId(t.signalId())
            // set, not defaulted: a builder default of an enum loads its class by name
            .setKind(AlertKind.CRASH_SPIKE)
            .setAffectedDevices(f == null ? 0 : f.failedDevices())
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

  /** Which test the signal's level was decided by. */
  private static String test(TestResult result) {
    if (result == null) {
      return "";
    }
    return result.sequential() != null
        ? result.sequential().test()
        : "fixed-window binomial test, restricted by blame";
  }

  private void snapshotHealth(long now) {
    View view = view(now);
    for (VersionFigures f : view.figures().values()) {
      if (f.exposedDevices() == 0 && f.crashedDevices() == 0) {
        continue;
      }
      String vendor = view.vendors().get(f.component());
      if (vendor == null) {
        if (uncatalogued.add(f.component())) {
          LOG.warn(
              "component {} is not in the catalogue: published to no vendor ({} such so far)",
              f.component(),
              uncatalogued.size());
        }
        continue;
      }
      if (!DeviceInput.isIdentifier(vendor) || !feeds.exists(feedTopic.apply(vendor))) {
        if (withoutFeed.add(vendor)) {
          LOG.warn(
              "vendor {} of {} has no health feed topic; create it with crashwatch vendors add"
                  + " ({} such vendors so far)",
              DeviceInput.quoted(vendor),
              f.component(),
              withoutFeed.size());
        }
        continue;
      }
      SignalStateRecord stored = statesStore.get(VersionKey.of(f.component(), f.version()));
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
              .setDegradedDevices(sensorsOf(view, f).degraded())
              .setTamperedDevices(sensorsOf(view, f).tampered())
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
