package dev.crashwatch.processor.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds up the deltas of each component version (keyed by component@version, after the repartition)
 * and, on stream time, logs one summary line of the versions with crashes.
 */
public final class VersionStatsProcessor implements Processor<String, VersionDelta, Void, Void> {

  public static final String STORE = "version-stats";
  private static final Logger LOG = LoggerFactory.getLogger(VersionStatsProcessor.class);
  private static final int SUMMARY_VERSIONS = 5;

  private final Duration logInterval;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, VersionStats> store;

  public VersionStatsProcessor(Duration logInterval) {
    this.logInterval = logInterval;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(logInterval, PunctuationType.STREAM_TIME, this::logSummary);
  }

  @Override
  public void process(Record<String, VersionDelta> record) {
    VersionStats stats = store.get(record.key());
    stats =
        stats == null ? VersionStats.newBuilder().build() : VersionStats.newBuilder(stats).build();
    VersionDelta delta = record.value();
    stats.setExposedByRing(add(stats.getExposedByRing(), delta.getExposedByRing()));
    stats.setCrashedDevices(stats.getCrashedDevices() + delta.getCrashedDevices());
    if (delta.getFirstCrashTime() > 0
        && (stats.getFirstCrashTime() == 0
            || delta.getFirstCrashTime() < stats.getFirstCrashTime())) {
      stats.setFirstCrashTime(delta.getFirstCrashTime());
    }
    stats.setBugchecks(add(stats.getBugchecks(), delta.getBugchecks()));
    stats.setModules(add(stats.getModules(), delta.getModules()));
    store.put(record.key(), stats);
  }

  private void logSummary(long streamTime) {
    List<KeyValue<String, VersionStats>> crashing = new ArrayList<>();
    try (KeyValueIterator<String, VersionStats> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.value.getCrashedDevices() > 0) {
              crashing.add(kv);
            }
          });
    }
    if (crashing.isEmpty()) {
      return;
    }
    crashing.sort((a, b) -> Long.compare(b.value.getCrashedDevices(), a.value.getCrashedDevices()));
    StringBuilder line = new StringBuilder();
    for (KeyValue<String, VersionStats> kv :
        crashing.subList(0, Math.min(SUMMARY_VERSIONS, crashing.size()))) {
      long exposed = exposed(kv.value);
      line.append(
          String.format(
              " %s %d/%d crashed (%.2f%%);",
              kv.key,
              kv.value.getCrashedDevices(),
              exposed,
              exposed == 0 ? 0.0 : 100.0 * kv.value.getCrashedDevices() / exposed));
    }
    LOG.info("versions with crashes at {}:{}", Instant.ofEpochMilli(streamTime), line);
  }

  /** Devices running the version, all rings together. */
  public static long exposed(VersionStats stats) {
    return stats.getExposedByRing().values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> add(Map<String, Long> into, Map<String, Long> delta) {
    if (delta.isEmpty()) {
      return into;
    }
    Map<String, Long> sum = new HashMap<>(into);
    delta.forEach((k, v) -> sum.merge(k, v, Long::sum));
    sum.values().removeIf(v -> v == 0);
    return sum;
  }
}
