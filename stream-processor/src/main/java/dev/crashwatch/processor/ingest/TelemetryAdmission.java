package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.KnownVersions;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds decoded events to the {@link IngestLimits}: components per device (with what the device
 * already runs, from the device-state store), versions per component and components in the fleet
 * (from {@link #STORE}), tenants (from {@link #TENANTS_STORE}). A record beyond a bound becomes a
 * dead letter with its reason, and none of its versions is counted; so every store downstream stays
 * bounded however many devices forge.
 *
 * <p>The fleet-versions store holds each component's versions with the hour they were last
 * reported; it is written only when a version is new or its hour changes, not per heartbeat. A
 * version not reported for the retention makes room when a bound is reached. An in-memory copy
 * (bounded by the same limits) saves the store read on the hot path.
 */
public final class TelemetryAdmission implements Processor<String, Decoded, String, Decoded> {

  public static final String STORE = "fleet-versions";

  /** Tenant id to the hour (event time, epoch ms) it was last reported in. */
  public static final String TENANTS_STORE = "fleet-tenants";

  private static final long HOUR_MS = 3_600_000L;

  private final IngestLimits limits;
  private final String deviceStore;
  private final Clock wallClock;
  private final String applicationId;
  private final Map<String, Map<String, Long>> known = new HashMap<>();
  private final Map<String, Long> tenants = new HashMap<>();
  private PipelineMetrics metrics;
  private ProcessorContext<String, Decoded> context;
  private KeyValueStore<String, DeviceState> devices;
  private KeyValueStore<String, KnownVersions> store;
  private KeyValueStore<String, Long> tenantStore;

  /**
   * @param deviceStore the name of the device-state store (read only here)
   */
  public TelemetryAdmission(
      IngestLimits limits, String deviceStore, Clock wallClock, String applicationId) {
    this.limits = limits;
    this.deviceStore = deviceStore;
    this.wallClock = wallClock;
    this.applicationId = applicationId;
  }

  @Override
  public void init(ProcessorContext<String, Decoded> context) {
    this.context = context;
    this.metrics = PipelineMetrics.of(context);
    this.devices = context.getStateStore(deviceStore);
    this.store = context.getStateStore(STORE);
    this.tenantStore = context.getStateStore(TENANTS_STORE);
    known.clear();
    try (KeyValueIterator<String, KnownVersions> all = store.all()) {
      all.forEachRemaining(kv -> known.put(kv.key, new HashMap<>(kv.value.getLastSeen())));
    }
    tenants.clear();
    try (KeyValueIterator<String, Long> all = tenantStore.all()) {
      all.forEachRemaining(kv -> tenants.put(kv.key, kv.value));
    }
  }

  @Override
  public void process(Record<String, Decoded> record) {
    Decoded decoded = record.value();
    if (decoded.isDeadLetter()) {
      context.forward(record);
      return;
    }
    Map<String, String> components = components(decoded.event());
    String problem = tooManyForDevice(record.key(), components);
    RejectReason reason = RejectReason.TOO_MANY_COMPONENTS;
    long hour = Math.floorDiv(record.timestamp(), HOUR_MS) * HOUR_MS;
    String tenant = tenant(decoded.event());
    if (problem == null
        && !tenants.containsKey(tenant)
        && tenants.size() >= limits.tenants()
        && forgetStaleTenants(hour) >= limits.tenants()) {
      reason = RejectReason.TOO_MANY_TENANTS;
      problem =
          "tenant "
              + DeviceInput.quoted(tenant)
              + " would exceed ingest.max.tenants ("
              + limits.tenants()
              + ")";
    }
    if (problem == null) {
      Set<String> newComponents = new HashSet<>();
      for (Map.Entry<String, String> e : components.entrySet()) {
        Map<String, Long> versions = known.get(e.getKey());
        if (versions == null) {
          newComponents.add(e.getKey());
          if (known.size() + newComponents.size() > limits.components()
              && forgetStale(null, hour) + newComponents.size() > limits.components()) {
            reason = RejectReason.TOO_MANY_FLEET_COMPONENTS;
            problem =
                "component "
                    + DeviceInput.quoted(e.getKey())
                    + " would exceed ingest.max.components ("
                    + limits.components()
                    + ")";
            break;
          }
        } else if (!versions.containsKey(e.getValue())
            && versions.size() >= limits.versionsPerComponent()
            && forgetStale(e.getKey(), hour) >= limits.versionsPerComponent()) {
          reason = RejectReason.TOO_MANY_VERSIONS;
          problem =
              "version "
                  + DeviceInput.quoted(e.getValue())
                  + " of "
                  + DeviceInput.quoted(e.getKey())
                  + " would exceed ingest.max.versions.per.component ("
                  + limits.versionsPerComponent()
                  + ")";
          break;
        }
      }
      if (problem == null) {
        remember(components, hour);
        Long seen = tenants.get(tenant);
        if (seen == null || seen < hour) {
          tenants.put(tenant, hour);
          tenantStore.put(tenant, hour);
        }
        context.forward(record);
        return;
      }
    }
    metrics.deadLetter(context.recordMetadata().orElseThrow().topic(), reason.name());
    context.forward(
        record.withValue(
            Decoded.deadLetter(
                DeadLetters.of(
                    context.recordMetadata().orElseThrow(),
                    decoded.raw(),
                    record.headers(),
                    reason.name(),
                    problem,
                    wallClock.instant(),
                    applicationId))));
  }

  /** Why the device would run too many components with this record, or null. */
  private String tooManyForDevice(String device, Map<String, String> components) {
    DeviceState state = devices.get(device);
    int atMost =
        components.size()
            + (state == null ? 0 : state.getVersions().size() + state.getCrashedOn().size());
    if (atMost <= limits.componentsPerDevice()) {
      // the union cannot be larger than the sum: no set to build on the hot path
      return null;
    }
    Set<String> all = new HashSet<>(components.keySet());
    if (state != null) {
      all.addAll(state.getVersions().keySet());
      all.addAll(state.getCrashedOn().keySet());
    }
    if (all.size() <= limits.componentsPerDevice()) {
      return null;
    }
    return "the device would run "
        + all.size()
        + " components, more than ingest.max.components.per.device ("
        + limits.componentsPerDevice()
        + ")";
  }

  /**
   * Forgets the versions not reported within the retention, of {@code component} (returning how
   * many versions it has left) or, when null, of every component (returning how many components are
   * left). Runs only when a bound is reached.
   */
  private int forgetStale(String component, long hour) {
    long oldest = hour - limits.versionRetention().toMillis();
    Set<String> components = component == null ? Set.copyOf(known.keySet()) : Set.of(component);
    for (String c : components) {
      Map<String, Long> versions = known.get(c);
      if (versions.values().removeIf(seen -> seen < oldest)) {
        if (versions.isEmpty()) {
          known.remove(c);
          store.delete(c);
        } else {
          store.put(c, new KnownVersions(Map.copyOf(versions)));
        }
      }
    }
    return component == null ? known.size() : known.getOrDefault(component, Map.of()).size();
  }

  /** Forgets the tenants not reported within the retention; returns how many are left. */
  private int forgetStaleTenants(long hour) {
    long oldest = hour - limits.versionRetention().toMillis();
    for (String t : Set.copyOf(tenants.keySet())) {
      if (tenants.get(t) < oldest) {
        tenants.remove(t);
        tenantStore.delete(t);
      }
    }
    return tenants.size();
  }

  private static String tenant(SpecificRecord event) {
    if (event instanceof Boot b) {
      return b.getTenantId();
    }
    if (event instanceof SensorHeartbeat h) {
      return h.getTenantId();
    }
    return ((Crash) event).getTenantId();
  }

  private void remember(Map<String, String> components, long hour) {
    for (Map.Entry<String, String> e : components.entrySet()) {
      Map<String, Long> versions = known.computeIfAbsent(e.getKey(), c -> new HashMap<>());
      Long seen = versions.get(e.getValue());
      if (seen == null || seen < hour) {
        versions.put(e.getValue(), hour);
        store.put(e.getKey(), new KnownVersions(Map.copyOf(versions)));
      }
    }
  }

  private static Map<String, String> components(SpecificRecord event) {
    if (event instanceof Boot b) {
      return b.getComponents();
    }
    if (event instanceof SensorHeartbeat h) {
      return h.getComponents();
    }
    if (event instanceof Crash c) {
      return c.getComponents();
    }
    return Map.of();
  }
}
