package dev.crashwatch.processor.state;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHeartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps what each device runs and turns changes into per-version deltas. Keyed by device, so it
 * runs before any repartition, next to the input partitions.
 *
 * <p>The hot path is the heartbeat, and it almost never changes anything: state is written only
 * when a version, ring or tenant changes or the last-seen time crosses a bucket, and a delta is
 * sent only when exposure or crash counts change. One device counts once per version it crashed on,
 * however often it crash-loops or its report is duplicated.
 */
public final class DeviceStateProcessor
    implements Processor<String, SpecificRecord, String, VersionDelta> {

  public static final String STORE = "device-state";

  private final long bucketMs;
  private ProcessorContext<String, VersionDelta> context;
  private KeyValueStore<String, DeviceState> store;

  public DeviceStateProcessor(Duration lastSeenBucket) {
    this.bucketMs = Math.max(1, lastSeenBucket.toMillis());
  }

  @Override
  public void init(ProcessorContext<String, VersionDelta> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    DeviceState before = store.get(record.key());
    DeviceState after =
        before == null ? DeviceState.newBuilder().build() : DeviceState.newBuilder(before).build();
    long time = record.timestamp();
    if (record.value() instanceof Boot boot) {
      observe(after, boot.getTenantId(), boot.getRing(), boot.getComponents(), time, record);
    } else if (record.value() instanceof SensorHeartbeat beat) {
      observe(after, beat.getTenantId(), beat.getRing(), beat.getComponents(), time, record);
    } else if (record.value() instanceof Crash crash) {
      // A crash report is often late and may describe an older boot: its versions only fill in a
      // device we have not heard of otherwise.
      Map<String, String> versions = before == null ? crash.getComponents() : Map.of();
      String ring = crash.getRing() == null ? after.getRing() : crash.getRing();
      observe(after, crash.getTenantId(), ring, versions, time, record);
      countCrash(after, crash, record);
    }
    if (!after.equals(before)) {
      store.put(record.key(), after);
    }
  }

  private void observe(
      DeviceState state,
      String tenant,
      String ring,
      Map<String, String> reported,
      long time,
      Record<String, SpecificRecord> record) {
    String oldRing = state.getRing();
    Map<String, String> versions = new HashMap<>(state.getVersions());
    if (!Objects.equals(oldRing, ring) && !oldRing.isEmpty()) {
      // The device moved ring: its exposure moves with it.
      versions.forEach((c, v) -> send(record, VersionKey.of(c, v), exposure(oldRing, -1)));
      versions.forEach((c, v) -> send(record, VersionKey.of(c, v), exposure(ring, +1)));
    }
    for (Map.Entry<String, String> e : reported.entrySet()) {
      String old = versions.put(e.getKey(), e.getValue());
      if (!e.getValue().equals(old)) {
        if (old != null) {
          send(record, VersionKey.of(e.getKey(), old), exposure(ring, -1));
        }
        send(record, VersionKey.of(e.getKey(), e.getValue()), exposure(ring, +1));
      }
    }
    state.setTenantId(tenant);
    state.setRing(ring);
    if (!versions.equals(state.getVersions())) {
      state.setVersions(versions);
    }
    long bucket = Math.floorDiv(time, bucketMs) * bucketMs;
    if (bucket > state.getLastSeenBucket()) {
      state.setLastSeenBucket(bucket);
    }
  }

  private void countCrash(DeviceState state, Crash crash, Record<String, SpecificRecord> record) {
    // Unclean shutdowns without a bugcheck (power loss) never arrive as crashes; user-mode crashes
    // and hangs do not take the machine down, so they are not what a rollback guards against.
    if (crash.getKind() != CrashKind.KERNEL_BUGCHECK) {
      return;
    }
    List<String> crashedOn = new ArrayList<>(state.getCrashedOn());
    for (Map.Entry<String, String> e : crash.getComponents().entrySet()) {
      String key = VersionKey.of(e.getKey(), e.getValue());
      if (crashedOn.contains(key)) {
        continue;
      }
      crashedOn.add(key);
      VersionDelta delta = VersionDelta.newBuilder().build();
      delta.setCrashedDevices(1);
      delta.setFirstCrashTime(crash.getCrashTime().toEpochMilli());
      if (crash.getBugcheckCode() != null) {
        delta.setBugchecks(Map.of(crash.getBugcheckCode(), 1L));
      }
      if (crash.getFaultingModule() != null) {
        delta.setModules(Map.of(crash.getFaultingModule(), 1L));
      }
      send(record, key, delta);
    }
    if (crashedOn.size() != state.getCrashedOn().size()) {
      state.setCrashedOn(crashedOn);
    }
  }

  private static VersionDelta exposure(String ring, long change) {
    VersionDelta delta = VersionDelta.newBuilder().build();
    delta.setExposedByRing(Map.of(ring, change));
    return delta;
  }

  private void send(Record<String, SpecificRecord> record, String versionKey, VersionDelta delta) {
    context.forward(record.withKey(versionKey).withValue(delta));
  }
}
