package dev.crashwatch.processor.state;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.CrashKind;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.ShutdownKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps what each device runs and turns changes into per-version deltas. Keyed by device, so it
 * runs before any repartition, next to the input partitions.
 *
 * <p>The hot path is the heartbeat, and it almost never changes anything: state is written only
 * when a version, ring or tenant changes or the last-seen time crosses a bucket, and a delta is
 * sent only when exposure or crash counts change. The vendor a heartbeat names is not used: which
 * vendor owns a component is the operator's catalogue's word (see {@code DetectorProcessor}).
 *
 * <p>Crashes. A device counts once per version it crashed on within {@code window} (the detector's
 * window), however often it crash-loops or its report is duplicated, and again after that, like the
 * window itself ({@link DeviceState#getCrashMinutes()}). A crash is counted in the minute it
 * reaches the pipeline (the task's stream time: record timestamps are arrival times), not the
 * minute the device's clock gave it: a report uploaded an hour late, or from a clock half an hour
 * off either way, still lands in the detector's window, for the versions the device ran when it
 * crashed. Two records say a device crashed: the crash report (kernel bugchecks only), and, usually
 * long before the report is uploaded, the next boot saying its previous shutdown was a CRASH (a
 * bugcheck or panic); the boot counts for the versions the device ran before it. A power loss
 * (UNEXPECTED_POWER_LOSS) is not a crash. A report about a version the device no longer runs counts
 * only while its crash time is within the window: that exposure is over.
 *
 * <p>Besides the per-version deltas it sends, on the same repartition: pair deltas keyed {@link
 * PairKey} for the cross counts of blame (devices running both of two versions, only when a
 * device's versions change or it is first counted crashed), and on stream time every {@code
 * tickInterval} a tick ({@link SourceWatermark#tick}) that the repartition sends to every
 * partition, so that stream time moves downstream although heartbeats change nothing; and, while
 * its partitions bring nothing, idle ticks ({@link #tickIfIdle}). The deltas are added up per key
 * and minute between two commits ({@link DeltaBuffer}) and go out before each tick and at each
 * commit, so the repartition carries a sum per key where it carried a record per device.
 *
 * <p>Away: a device not heard from for {@code window} after the end of its last-seen bucket, and
 * its own offset into the next ({@link #awayOffset}), stops counting as exposed on its versions,
 * pairs and tenant until it is heard again (see {@link #awayIfUnheard}).
 *
 * <p>Silence: a device whose last event is a boot after a crash (previousShutdown CRASH) or a
 * version update is put on the {@link #SILENCE_STORE} watch list with a deadline {@code
 * silenceAfter} later; any later event takes it off. At each check of the watch list the devices
 * past their deadline count as silent (+1) on every version they run and have not crashed on, and
 * on the pairs of those versions, until they are heard again (-1). (The watch list is checked
 * {@link #WATCH_CHECKS_PER_TICK} times a tick, so that no single punctuation checks a whole tick's
 * share of a large fleet.) Only devices on the watch list cost anything: an ordinary heartbeat does
 * not touch that store. The watch list is an index of the device states, not state of its own, so
 * it has no changelog: each task rebuilds it from them when it starts ({@link #rebuildWatchList}).
 */
public final class DeviceStateProcessor
    implements Processor<String, SpecificRecord, StatsKey, VersionDelta> {

  public static final String STORE = "device-state";

  private static final String HEALTHY = SensorHealth.OK.name();

  /**
   * Devices that may go silent, keyed by deadline (8 bytes, big-endian, so keys sort by time) and
   * device id, with the device id as the value (nothing is parsed from the key): a device whose
   * last event was a boot after a crash or a version update, and that is not heard from again
   * before the deadline, counts as silent on its versions (crash-looping devices often cannot
   * upload). Every device that is not away also has an entry at its away deadline ({@link
   * #awayIfUnheard}).
   */
  public static final String SILENCE_STORE = "silence-watch";

  /** Wall time without progress after which a task counts as idle (see {@link #tickIfIdle}). */
  static final Duration IDLE_AFTER = Duration.ofSeconds(2);

  /**
   * How many times per tick the watch list is checked for deadlines that have passed. Once per
   * tick, a task of the whole July 19 fleet (2.8 million devices) checked some 80,000 away
   * deadlines in one punctuation, 2 to 3.5 s, and a stream thread with two such tasks ran past the
   * exactly-once transaction timeout (10 s) and was fenced; twelve checks a tick each do a twelfth
   * of it, between commits, and a deadline is found within a twelfth of a tick.
   */
  static final int WATCH_CHECKS_PER_TICK = 12;

  private final long bucketMs;
  private final long windowMs;
  private final Duration tickInterval;
  private final long tickMs;
  private final long watchMs;
  private long lastTickBoundary = -1;

  /**
   * No entry of the watch list lies before this deadline but those already checked and deleted: a
   * check reads from here, not from the start. A deleted key stays in RocksDB as a tombstone until
   * compaction, and a scan from the start stepped over every one of them; twelve checks a tick did
   * it twelve times (at the whole fleet the checks took a third to a half of the stream threads).
   */
  private long uncheckedFrom;

  private ProcessorContext<StatsKey, VersionDelta> context;
  private final long silenceMs;
  private long streamTimeAtLastCheck = -1;
  private boolean idleSent;

  /** The arrival time of the record being processed, -1 outside {@link #process}. */
  private long recordTime = -1;

  private KeyValueStore<String, DeviceState> store;
  private KeyValueStore<Bytes, String> silence;

  /**
   * The deltas of this task since the last tick or commit, added up per key ({@link DeltaBuffer}).
   */
  private final DeltaBuffer buffer = new DeltaBuffer();

  /** This processor's node, to forward from at a commit ({@link #forwardBufferedAtCommit}). */
  private ProcessorNode<?, ?, ?, ?> node;

  /**
   * @param window the detector's window: a device counts once per version it crashed on within it
   */
  public DeviceStateProcessor(
      Duration lastSeenBucket, Duration tickInterval, Duration silenceAfter, Duration window) {
    this.bucketMs = Math.max(1, lastSeenBucket.toMillis());
    this.windowMs = window.toMillis();
    this.tickInterval = tickInterval;
    this.tickMs = Math.max(1, tickInterval.toMillis());
    this.watchMs = Math.max(1, tickMs / WATCH_CHECKS_PER_TICK);
    this.silenceMs = silenceAfter.toMillis();
  }

  @Override
  public void init(ProcessorContext<StatsKey, VersionDelta> context) {
    this.context = context;
    // a task may be re-initialised after a migration or an aborted transaction: nothing in memory
    // from before may survive
    this.store = context.getStateStore(STORE);
    this.silence = context.getStateStore(SILENCE_STORE);
    this.streamTimeAtLastCheck = -1;
    this.lastTickBoundary = -1;
    this.uncheckedFrom = 0;
    this.idleSent = false;
    this.recordTime = -1;
    this.buffer.clear();
    this.node =
        context instanceof InternalProcessorContext<?, ?> internal ? internal.currentNode() : null;
    WriteBackKeyValueStore<?, ?> writeBack = WriteBackKeyValueStore.behind(store);
    if (writeBack == null) {
      throw new IllegalStateException(
          STORE + " must be a write-back store: its pre-commit hook forwards the buffered deltas");
    }
    writeBack.beforeFlush(this::forwardBufferedAtCommit);
    rebuildWatchList();
    context.schedule(
        Duration.ofMillis(watchMs),
        PunctuationType.STREAM_TIME,
        time -> {
          // the intervals' boundaries, not the stream time the punctuation fired at (that of
          // whichever record crossed it): the same input gives the same ticks, however it is read
          countSilent(Math.floorDiv(time, watchMs) * watchMs);
          long boundary = Math.floorDiv(time, tickMs) * tickMs;
          if (boundary != lastTickBoundary) {
            lastTickBoundary = boundary;
            tick(boundary);
          }
        });
    context.schedule(IDLE_AFTER, PunctuationType.WALL_CLOCK_TIME, wall -> tickIfIdle());
  }

  private void tick(long time) {
    forwardBuffered();
    context.forward(
        new Record<>(SourceWatermark.tick(context.taskId().partition()), noChange(), time));
  }

  /**
   * A task whose partitions bring nothing new (a quiet partition of a small fleet, an instance
   * whose partitions went quiet, the end of a replay) would hold the downstream watermark back for
   * ever. If its stream time has not moved for {@link #IDLE_AFTER} of wall time, it says so with an
   * idle tick at its own stream time, again every {@link #IDLE_AFTER} while it stays idle (a
   * downstream task that has just moved learns it from the next one), and the watermark leaves it
   * out until it has something again ({@link SourceWatermark}). The idle tick carries the task's
   * own time, never a time read off the wall clock or another task, so a replay's watermark takes
   * the same values however fast it runs. A task that is behind (a backlog) keeps moving, and keeps
   * the watermark where it is.
   */
  private void tickIfIdle() {
    long streamTime = context.currentStreamTimeMs();
    boolean idle = streamTime == streamTimeAtLastCheck;
    streamTimeAtLastCheck = streamTime;
    if (idle) {
      idleSent = true;
      forwardBuffered();
      context.forward(
          new Record<>(
              SourceWatermark.idleTick(context.taskId().partition()),
              noChange(),
              Math.max(0, streamTime)));
    }
  }

  /** A task that said it was idle and has a record again counts in the watermark from now on. */
  private void resumeIfIdle() {
    if (idleSent) {
      idleSent = false;
      tick(Math.max(0, context.currentStreamTimeMs()));
    }
  }

  /**
   * Fills the watch list from the device states, which Kafka Streams has restored to the task's
   * last commit before it initialises the task. The list is not logged: as a changelog it was about
   * one record per event, four times the device states' own (a put when a device is watched, a
   * delete when it is heard or its deadline passes, both on the broker and in the transaction), and
   * everything in it follows from the states. Whatever the store held before (an older run's local
   * copy) is cleared first.
   *
   * <p>What is rebuilt differs from what the running task held in one way, which changes no figure:
   * a device that is not away is watched at its away deadline as of its state now, where the
   * running task may still hold an earlier deadline it set before the device was last heard. At
   * that earlier deadline the running task only finds the device heard since and watches it at the
   * later one ({@link #awayIfUnheard}).
   */
  private void rebuildWatchList() {
    List<Bytes> held = new ArrayList<>();
    try (KeyValueIterator<Bytes, String> it = silence.all()) {
      it.forEachRemaining(watched -> held.add(watched.key));
    }
    held.forEach(this::unwatch);
    try (KeyValueIterator<String, DeviceState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, DeviceState> device = it.next();
        DeviceState state = device.value;
        if (state.getSuspectSince() > 0) {
          watch(state.getSuspectSince() + silenceMs, device.key);
        }
        if (!state.getAway()) {
          watch(awayDeadline(device.key, state), device.key);
        }
      }
    }
  }

  /** Puts {@code device} on the watch list at {@code deadline}. */
  private void watch(long deadline, String device) {
    silence.put(watchKey(deadline, device), device);
    uncheckedFrom = Math.min(uncheckedFrom, deadline);
  }

  /**
   * Takes an entry off the watch list. A put of null, not {@code delete}: Kafka's RocksDB store
   * answers a delete with the old value, so it reads the key first, and nothing here wants it (at
   * 8,500,000 devices those reads were 7% of the stream threads' native samples).
   */
  private void unwatch(Bytes key) {
    silence.put(key, null);
  }

  /** A watch list key: the deadline (8 bytes, big-endian, so keys sort by time), the device. */
  static Bytes watchKey(long deadline, String device) {
    byte[] id = device.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + id.length).putLong(deadline).put(id).array());
  }

  /**
   * The deadlines that have passed: a device past its silence deadline counts as silent on the
   * versions it runs; a device past its away deadline ({@link #awayDeadline}) no longer counts as
   * exposed. Both kinds of deadline share the watch store; which one a key is follows from the
   * device's state.
   */
  private void countSilent(long now) {
    List<KeyValue<Bytes, String>> due = new ArrayList<>();
    // every deadline up to now: keys of deadline now + 1 with a device id sort after the bound
    try (KeyValueIterator<Bytes, String> it =
        silence.range(watchKey(uncheckedFrom, ""), watchKey(now + 1, ""))) {
      it.forEachRemaining(due::add);
    }
    uncheckedFrom = now + 1; // an entry put below this while checking lowers it again (watch)
    long minute = Math.floorDiv(now, 60_000L) * 60_000L;
    for (KeyValue<Bytes, String> watched : due) {
      unwatch(watched.key);
      String device = watched.value;
      DeviceState state = store.get(device);
      if (state == null) {
        continue;
      }
      long deadline = ByteBuffer.wrap(watched.key.get()).getLong();
      if (state.getSuspectSince() == 0 || state.getSuspectSince() + silenceMs != deadline) {
        awayIfUnheard(device, state, now);
        continue;
      }
      Map<String, String> fresh = new HashMap<>(state.getVersions());
      fresh.entrySet().removeIf(e -> countedCrashed(state, e.getKey(), e.getValue(), minute));
      for (StatsKey k : silentKeys(state.getVersions(), fresh)) {
        buffer.add(k, silent(+1, minute), now);
      }
      state.setSuspectSince(0);
      state.setSilentOn(fresh);
      state.setSilentAmong(state.getVersions());
      state.setSilentBucket(minute);
      store.put(device, state);
      // no longer watched for silence: its away check may come sooner (see awayCheck)
      watch(awayCheck(device, state), device);
    }
  }

  /**
   * When a device that is not heard from stops counting as exposed: a window after the end of its
   * last-seen bucket, and then its own offset into the next bucket ({@link #awayOffset}), so
   * between {@code window} and {@code window + 2 lastSeenBucket} after its last event. A device
   * switched off or decommissioned must not hold up the exposure of its versions (and so lower
   * their rate) for ever.
   */
  private long awayDeadline(String device, DeviceState state) {
    return state.getLastSeenBucket() + bucketMs + windowMs + awayOffset(device);
  }

  /**
   * A device's fixed offset into a bucket, from its id. Last-seen times are bucket starts, so
   * without it the away checks of every device heard in one bucket fell due at the same tick: one
   * punctuation, in one transaction, checked them all, and at 2,000,000 devices that outlasted the
   * exactly-once transaction timeout (10 s), fenced the stream threads and replayed the tick.
   * Spread over the bucket, each check of the watch list ({@link #WATCH_CHECKS_PER_TICK} a tick)
   * checks its share of them. A function of the id alone (Fibonacci hashing of {@link
   * String#hashCode}, which the Java language fixes), so the list rebuilt from the states has the
   * same deadlines.
   */
  private long awayOffset(String device) {
    return Integer.toUnsignedLong(device.hashCode() * 0x9E3779B9) % bucketMs;
  }

  /**
   * At an away deadline: a device heard since (its last-seen bucket moved) is watched again at its
   * new deadline; one that was not is taken out of the exposure of its versions, pairs and tenant
   * (the version figures count it as having left, for a window, like a device that updated) until
   * it is heard again ({@link #backFromAway}). Checking only when the deadline passes, instead of
   * moving it on every event, keeps the heartbeat's path free of writes to the watch store.
   */
  private void awayIfUnheard(String device, DeviceState state, long now) {
    if (state.getAway()) {
      return;
    }
    long deadline = awayCheck(device, state);
    if (deadline > now) {
      watch(nextAwayCheck(device, state, deadline, now), device);
      return;
    }
    forwardPresence(state, -1, now);
    state.setAway(true);
    store.put(device, state);
  }

  /**
   * When to check again a device that is not away yet: at its {@code deadline} ({@link
   * #awayCheck}), except while it is watched for silence. Then its check is deferred past the
   * silence deadline, but comes back to its away deadline as soon as it is heard; it is looked at
   * again at its away deadline, or while that has passed every bucket (on its own offset), until it
   * is heard or found silent. So no entry of a device ever lies past the check it has once heard,
   * and being heard adds none: when it did, a crash-looping device that uploads its crash reports
   * added one at each report (its last-seen bucket moving in between), up to one per bucket of the
   * window, each checked in its turn ({@code WatchListSizeTest}).
   */
  private long nextAwayCheck(String device, DeviceState state, long deadline, long now) {
    if (state.getSuspectSince() == 0) {
      return deadline;
    }
    long check = awayDeadline(device, state);
    if (check <= now) {
      check += (Math.floorDiv(now - check, bucketMs) + 1) * bucketMs;
    }
    return Math.min(check, deadline);
  }

  /**
   * When a device stops counting as exposed, as its state says now: its away deadline, or later
   * while it is watched for silence (it took an update or came back from a crash and was not heard
   * since) or counts as silent within the window. Its silence is then the evidence (a boot loop
   * that gets no further than the update), and it stays exposed while that counts.
   *
   * <p>A function of the state alone, so that the watch list rebuilt from the states ({@link
   * #rebuildWatchList}) makes a device go away in the same tick as the list a task kept. That holds
   * while the list has, for every device that is not away, an entry at or before this time: a
   * watched device found silent gets one, and a watched device heard again has one already ({@link
   * #nextAwayCheck}).
   */
  private long awayCheck(String device, DeviceState state) {
    long deadline = awayDeadline(device, state);
    if (state.getSuspectSince() > 0) {
      deadline = Math.max(deadline, state.getSuspectSince() + silenceMs + windowMs);
    }
    if (!state.getSilentOn().isEmpty()) {
      deadline = Math.max(deadline, state.getSilentBucket() + windowMs);
    }
    return deadline;
  }

  /** A device that was away is heard again: it counts where it counted before it went away. */
  private void backFromAway(String device, DeviceState state, long now) {
    forwardPresence(state, +1, now);
    state.setAway(false);
    watch(awayDeadline(device, state), device);
  }

  /** A device's exposure on its versions, pairs and tenant, and its sensor health, by change. */
  private void forwardPresence(DeviceState state, long change, long now) {
    String ring = state.getRing();
    state
        .getVersions()
        .forEach((c, v) -> buffer.add(VersionKey.of(c, v), exposure(ring, change), now));
    for (StatsKey pair : PairKey.pairs(state.getVersions())) {
      buffer.add(pair, exposure(PairKey.RING, change), now);
    }
    if (!state.getTenantId().isEmpty()) {
      buffer.add(tenantKey(state.getTenantId()), exposure(PairKey.RING, change), now);
    }
    VersionDelta health = healthDelta(state, change);
    if (health != null) {
      state.getVersions().forEach((c, v) -> buffer.add(VersionKey.of(c, v), health, now));
      buffer.add(tenantKey(state.getTenantId()), health, now);
    }
  }

  /**
   * What a silent device counts against: every version it runs that it has not already been counted
   * crashed on ({@code fresh}: a device fails once per version, crashed or silent), and every pair
   * of its versions ({@code among}) with at least one such version, as for a crash. The pairs
   * matter: blame subtracts the devices running both of two versions, and a crash-looping device
   * that uploads nothing must be subtracted like one that uploads its crashes.
   */
  private static List<StatsKey> silentKeys(Map<String, String> among, Map<String, String> fresh) {
    List<StatsKey> keys = new ArrayList<>();
    fresh.forEach((c, v) -> keys.add(VersionKey.of(c, v)));
    keys.addAll(pairsWithOneOf(among, fresh));
    return keys;
  }

  /** The pairs of {@code versions} with at least one of their two versions in {@code some}. */
  private static List<StatsKey> pairsWithOneOf(
      Map<String, String> versions, Map<String, String> some) {
    List<StatsKey> out = new ArrayList<>();
    for (StatsKey pair : PairKey.pairs(versions)) {
      VersionKey a = PairKey.first(pair);
      VersionKey b = PairKey.second(pair);
      if (a.version().equals(some.get(a.component()))
          || b.version().equals(some.get(b.component()))) {
        out.add(pair);
      }
    }
    return out;
  }

  /** True when the device was counted crashed on the version later than a window before time. */
  private boolean countedCrashed(DeviceState state, String component, String version, long minute) {
    return countedIn(state.getCrashMinutes(), component, version, minute);
  }

  private boolean countedIn(
      Map<String, Map<String, Long>> minutes, String component, String version, long minute) {
    Map<String, Long> versions = minutes.get(component);
    Long counted = versions == null ? null : versions.get(version);
    return counted != null && counted > minute - windowMs;
  }

  /**
   * The pipeline's time at the record being processed: the record's own arrival time (its
   * timestamp, {@code TelemetryTimestampExtractor}), or the task's stream time outside a record.
   * Never the device's clock, which the decoder leaves on the record and which may be half an hour
   * off: what the device says about time is data ({@link #countCrash} uses only differences of it).
   * The record's own time, not the task's stream time, so that where a record counts does not
   * depend on how the task's input partitions happened to interleave (they interleave differently
   * after a restart or a rebalance).
   */
  private long now() {
    return recordTime >= 0 ? recordTime : Math.max(0, context.currentStreamTimeMs());
  }

  /** The minute the record being processed reached the pipeline. */
  private long arrivalMinute() {
    return Math.floorDiv(now(), 60_000L) * 60_000L;
  }

  private static VersionDelta silent(long change, long minute) {
    VersionDelta delta = noChange();
    delta.setSilentDevices(change);
    delta.setCrashBucket(minute);
    return delta;
  }

  /** Any event: the device is not silent; it may become suspect again. */
  private void heard(DeviceState after, boolean suspect, Record<String, SpecificRecord> record) {
    String device = record.key();
    boolean watchedForSilence = after.getSuspectSince() > 0;
    if (watchedForSilence) {
      unwatch(watchKey(after.getSuspectSince() + silenceMs, device));
      after.setSuspectSince(0);
    }
    if (!after.getSilentOn().isEmpty()) {
      for (StatsKey k : silentKeys(after.getSilentAmong(), after.getSilentOn())) {
        send(k, silent(-1, after.getSilentBucket()));
      }
      after.setSilentOn(Map.of());
      after.setSilentAmong(Map.of());
      after.setSilentBucket(0);
    }
    if (suspect) {
      long since = now();
      after.setSuspectSince(since);
      watch(since + silenceMs, device);
    }
    // no away check to add: its entry lies at or before the check it has now (nextAwayCheck)
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    recordTime = Math.max(0, record.timestamp());
    try {
      processAtRecordTime(record);
    } finally {
      recordTime = -1;
    }
  }

  private void processAtRecordTime(Record<String, SpecificRecord> record) {
    resumeIfIdle();
    // The store hands out its live object (WriteBackKeyValueStore): it becomes the state after this
    // record, changed in place, and a shallow snapshot keeps the state before it to compare with.
    // No map of a state is ever changed in place (each change sets a new one), so the snapshot
    // shares them safely, instead of the deep copy a builder would make of every map per record.
    DeviceState held = store.get(record.key());
    DeviceState before = held == null ? null : snapshot(held);
    DeviceState after = held == null ? DeviceState.newBuilder().build() : held;
    long time = now();
    boolean returned = after.getAway();
    if (returned) {
      backFromAway(record.key(), after, time);
      before.setAway(false); // what follows compares with the device as it counts again
    }
    if (record.value() instanceof Boot boot) {
      if (boot.getPreviousShutdown() == ShutdownKind.CRASH) {
        // the versions of the boot that crashed: what the device ran before this boot
        Map<String, String> ran =
            before == null || before.getVersions().isEmpty()
                ? boot.getComponents()
                : before.getVersions();
        countFailure(after, ran, new CrashFacts(boot.getRing(), time, null, null, arrivalMinute()));
      }
      observe(after, boot.getTenantId(), boot.getRing(), boot.getComponents(), time);
    } else if (record.value() instanceof SensorHeartbeat beat) {
      observe(after, beat.getTenantId(), beat.getRing(), beat.getComponents(), time);
      after.setHealth(beat.getHealth().name());
    } else if (record.value() instanceof Crash crash) {
      // A crash report is often late and may describe an older boot: its versions only fill in a
      // device we have not heard of otherwise.
      Map<String, String> versions = before == null ? crash.getComponents() : Map.of();
      String ring = crash.getRing() == null ? after.getRing() : crash.getRing();
      observe(after, crash.getTenantId(), ring, versions, time);
      countCrash(after, before, crash);
    }
    boolean watched =
        before != null && (before.getSuspectSince() > 0 || !before.getSilentOn().isEmpty());
    boolean updated =
        before != null
            && !before.getVersions().isEmpty()
            && !before.getVersions().equals(after.getVersions());
    boolean crashedBoot =
        record.value() instanceof Boot b && b.getPreviousShutdown() == ShutdownKind.CRASH;
    if (watched || updated || crashedBoot) {
      // rare: the hot path (a heartbeat of a device that is not watched) never gets here
      heard(after, updated || crashedBoot, record);
    }
    countSensorHealth(before, after);
    if (before == null) {
      watch(awayDeadline(record.key(), after), record.key());
    }
    if (returned || !after.equals(before)) {
      store.put(record.key(), after);
    }
  }

  /** The state's fields as they are now, sharing its maps (which are replaced, never changed). */
  private static DeviceState snapshot(DeviceState state) {
    return new DeviceState(
        state.getTenantId(),
        state.getRing(),
        state.getVersions(),
        state.getLastSeenBucket(),
        state.getCrashedOn(),
        state.getCrashMinutes(),
        state.getReportMinutes(),
        state.getSuspectSince(),
        state.getSilentOn(),
        state.getSilentAmong(),
        state.getSilentBucket(),
        state.getHealth(),
        state.getAway());
  }

  /**
   * Keeps the devices per tenant (exposure under {@link PairKey#RING}) and the devices whose sensor
   * reports DEGRADED or TAMPERED per version and per tenant: when the device's health, versions or
   * tenant change, its old contribution is taken back and the new one added. A healthy device that
   * stays in its tenant sends nothing.
   */
  private void countSensorHealth(DeviceState before, DeviceState after) {
    String oldTenant = before == null ? "" : before.getTenantId();
    if (!oldTenant.equals(after.getTenantId())) {
      if (!oldTenant.isEmpty()) {
        send(tenantKey(oldTenant), exposure(PairKey.RING, -1));
      }
      send(tenantKey(after.getTenantId()), exposure(PairKey.RING, +1));
    }
    boolean badBefore = before != null && !HEALTHY.equals(before.getHealth());
    boolean badAfter = !HEALTHY.equals(after.getHealth());
    boolean same =
        before != null
            && oldTenant.equals(after.getTenantId())
            && before.getHealth().equals(after.getHealth())
            && before.getVersions().equals(after.getVersions());
    if (same || (!badBefore && !badAfter)) {
      return;
    }
    if (badBefore) {
      sendHealth(before, -1);
    }
    if (badAfter) {
      sendHealth(after, +1);
    }
  }

  private void sendHealth(DeviceState state, long change) {
    VersionDelta delta = healthDelta(state, change);
    if (delta == null) {
      return;
    }
    state.getVersions().forEach((c, v) -> send(VersionKey.of(c, v), delta));
    send(tenantKey(state.getTenantId()), delta);
  }

  /** The change of DEGRADED or TAMPERED devices a device's health makes, null when neither. */
  private static VersionDelta healthDelta(DeviceState state, long change) {
    VersionDelta delta = noChange();
    if (SensorHealth.TAMPERED.name().equals(state.getHealth())) {
      delta.setTamperedDevices(change);
    } else if (SensorHealth.DEGRADED.name().equals(state.getHealth())) {
      delta.setDegradedDevices(change);
    } else {
      return null; // OK or UNKNOWN: neither
    }
    return delta;
  }

  /** The key of one tenant's figures. */
  public static StatsKey tenantKey(String tenant) {
    return new StatsKey(StatsKeyKind.TENANT, "", "", "", "", -1, tenant, "");
  }

  private void observe(
      DeviceState state, String tenant, String ring, Map<String, String> reported, long time) {
    String oldRing = state.getRing();
    if (Objects.equals(oldRing, ring) && runsAll(state.getVersions(), reported)) {
      // the hot path: a heartbeat or boot that reports what the device already runs
      if (!Objects.equals(tenant, state.getTenantId())) {
        // an unchanged tenant keeps the state's string, shared with every other state (the decoder
        // hands out one object per text), rather than the record's own copy of it
        state.setTenantId(tenant);
      }
      seenAt(state, time);
      return;
    }
    Map<String, String> versions = new HashMap<>(state.getVersions());
    if (!Objects.equals(oldRing, ring) && !oldRing.isEmpty()) {
      // The device moved ring: its exposure moves with it.
      versions.forEach((c, v) -> send(VersionKey.of(c, v), exposure(oldRing, -1)));
      versions.forEach((c, v) -> send(VersionKey.of(c, v), exposure(ring, +1)));
    }
    for (Map.Entry<String, String> e : reported.entrySet()) {
      String old = versions.put(e.getKey(), e.getValue());
      if (!e.getValue().equals(old)) {
        if (old != null) {
          send(VersionKey.of(e.getKey(), old), exposure(ring, -1));
        }
        send(VersionKey.of(e.getKey(), e.getValue()), exposure(ring, +1));
      }
    }
    state.setTenantId(tenant);
    state.setRing(ring);
    if (!versions.equals(state.getVersions())) {
      sendPairs(state.getVersions(), versions);
      state.setVersions(versions);
    }
    seenAt(state, time);
  }

  /** Whether the device already runs every version {@code reported} names. */
  private static boolean runsAll(Map<String, String> runs, Map<String, String> reported) {
    for (Map.Entry<String, String> e : reported.entrySet()) {
      if (!e.getValue().equals(runs.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Moves the last-seen bucket to that of {@code time} when it is later. */
  private void seenAt(DeviceState state, long time) {
    long bucket = Math.floorDiv(time, bucketMs) * bucketMs;
    if (bucket > state.getLastSeenBucket()) {
      state.setLastSeenBucket(bucket);
    }
  }

  /**
   * What is known of one crash: from a crash report, or (no bugcheck, no module) a boot. {@code
   * since} is the time a count of the device must be older than by a window for this crash to count
   * again: the crash time of a report (so that the late report of a crash its crash-boot already
   * counted is not a second crash), the arrival of a boot.
   */
  private record CrashFacts(
      String ring, long crashTime, String bugcheck, String module, long since) {}

  private void countCrash(DeviceState state, DeviceState before, Crash crash) {
    // Unclean shutdowns without a bugcheck (power loss) never arrive as crashes; user-mode crashes
    // and hangs do not take the machine down, so they are not what a rollback guards against.
    if (crash.getKind() != CrashKind.KERNEL_BUGCHECK) {
      return;
    }
    // The device's clock may be far off, but it is off by the same amount at the crash and at the
    // upload: the report's age at upload is true, and places the crash on the pipeline's clock.
    long age =
        Math.max(0, crash.getUploadTime().toEpochMilli() - crash.getCrashTime().toEpochMilli());
    long crashTime = now() - age;
    Map<String, String> relevant = new HashMap<>(crash.getComponents());
    if (before != null) {
      // a version the device has left counts only while the crash is within the window
      boolean recent = crashTime > arrivalMinute() - windowMs;
      relevant
          .entrySet()
          .removeIf(e -> !recent && !e.getValue().equals(before.getVersions().get(e.getKey())));
    }
    countFailure(
        state,
        relevant,
        new CrashFacts(
            state.getRing(),
            crashTime,
            crash.getBugcheckCode(),
            crash.getFaultingModule(),
            crashTime));
  }

  /**
   * Counts a device's crash on {@code versions} in its arrival minute: once per version within the
   * window. The module and bugcheck of a report are counted once per version within the window too,
   * also when the device was already counted crashed (its crash-boot usually arrives first and
   * names no module).
   */
  private void countFailure(DeviceState state, Map<String, String> versions, CrashFacts facts) {
    long minute = arrivalMinute();
    boolean report = facts.module() != null || facts.bugcheck() != null;
    Map<String, String> fresh = new HashMap<>();
    Map<String, String> freshReport = new HashMap<>();
    for (Map.Entry<String, String> e : versions.entrySet()) {
      boolean counted = countedCrashed(state, e.getKey(), e.getValue(), facts.since());
      boolean reported =
          !report || countedIn(state.getReportMinutes(), e.getKey(), e.getValue(), facts.since());
      if (counted && reported) {
        continue;
      }
      VersionDelta delta = noChange();
      delta.setCrashBucket(minute);
      if (!counted) {
        fresh.put(e.getKey(), e.getValue());
        delta.setCrashedDevices(1);
        delta.setRing(state.getRing().isEmpty() ? facts.ring() : state.getRing());
        delta.setFirstCrashTime(facts.crashTime());
      }
      if (!reported) {
        freshReport.put(e.getKey(), e.getValue());
        if (facts.bugcheck() != null) {
          delta.setBugchecks(Map.of(facts.bugcheck(), 1L));
        }
        if (facts.module() != null) {
          delta.setModules(Map.of(facts.module(), 1L));
        }
      }
      send(VersionKey.of(e.getKey(), e.getValue()), delta);
    }
    if (!fresh.isEmpty()) {
      // a pair is counted once per device: when at least one of its versions is newly counted
      for (StatsKey pair : pairsWithOneOf(versions, fresh)) {
        VersionDelta delta = noChange();
        delta.setCrashedDevices(1);
        delta.setCrashBucket(minute);
        send(pair, delta);
      }
      state.setCrashMinutes(withCounted(state.getCrashMinutes(), fresh, minute));
    }
    if (!freshReport.isEmpty()) {
      state.setReportMinutes(withCounted(state.getReportMinutes(), freshReport, minute));
    }
  }

  /**
   * The crash minutes with {@code fresh} counted at {@code minute}, those out of the window gone.
   */
  private Map<String, Map<String, Long>> withCounted(
      Map<String, Map<String, Long>> counted, Map<String, String> fresh, long minute) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    counted.forEach(
        (c, versions) -> {
          Map<String, Long> kept = new HashMap<>(versions);
          kept.values().removeIf(m -> m <= minute - windowMs);
          if (!kept.isEmpty()) {
            out.put(c, kept);
          }
        });
    fresh.forEach((c, v) -> out.computeIfAbsent(c, k -> new HashMap<>()).put(v, minute));
    return out;
  }

  private void sendPairs(Map<String, String> before, Map<String, String> after) {
    Set<StatsKey> old = PairKey.pairs(before);
    Set<StatsKey> now = PairKey.pairs(after);
    for (StatsKey pair : old) {
      if (!now.contains(pair)) {
        send(pair, exposure(PairKey.RING, -1));
      }
    }
    for (StatsKey pair : now) {
      if (!old.contains(pair)) {
        send(pair, exposure(PairKey.RING, +1));
      }
    }
  }

  /**
   * A delta that changes nothing, to set fields on: what {@code VersionDelta.newBuilder().build()}
   * makes, without the builder's deep copy of each field's default (about 3% of the stream threads'
   * samples, per delta), pinned to it by {@code StatsKeyConstructionTest}.
   */
  static VersionDelta noChange() {
    return new VersionDelta(Map.of(), 0L, 0L, Map.of(), Map.of(), 0L, 0L, "", 0L, 0L);
  }

  private static VersionDelta exposure(String ring, long change) {
    VersionDelta delta = noChange();
    delta.setExposedByRing(Map.of(ring, change));
    return delta;
  }

  /**
   * Sends {@code delta} of {@code key} at the pipeline's time (version-stats places devices that
   * left a version by it), added up with the others of its kind until the next tick or commit.
   */
  private void send(StatsKey key, VersionDelta delta) {
    buffer.add(key, delta, now());
  }

  /**
   * Forwards the deltas added up since the last tick or commit (before a tick: it follows them).
   */
  private void forwardBuffered() {
    buffer.drain(context::forward);
  }

  /**
   * At a commit (the device-state store's pre-commit hook), outside any record or punctuation: the
   * node forwarded from is this processor's, as Kafka's record cache does for a table's changes.
   */
  private void forwardBufferedAtCommit() {
    if (buffer.isEmpty()) {
      return;
    }
    if (!(context instanceof InternalProcessorContext<StatsKey, VersionDelta> internal)) {
      forwardBuffered(); // a test's MockProcessorContext forwards from anywhere
      return;
    }
    ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
    ProcessorRecordContext previousRecord = internal.recordContext();
    internal.setCurrentNode(node);
    if (previousRecord == null) {
      internal.setRecordContext(new ProcessorRecordContext(0, -1, -1, null, new RecordHeaders()));
    }
    try {
      forwardBuffered();
    } finally {
      internal.setCurrentNode(previousNode);
      internal.setRecordContext(previousRecord);
    }
  }
}
