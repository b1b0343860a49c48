package dev.crashwatch.dashboard;

import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VersionHealth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the dashboard has consumed from the output topics, and the views the page asks for. A plain
 * class, fed by whoever reads the topics and read by whoever serves the page: it knows neither
 * Kafka nor HTTP. Safe to use from several threads (every method holds the instance's lock, and
 * every answer is a copy).
 *
 * <p>Replays are harmless: a signal or alert id already seen is ignored, and a snapshot of a time
 * already held replaces the one before, so a dashboard that reads the compacted topics from the
 * beginning again ends in the same view.
 */
public final class DashboardView {

  /** How many signals the signal log keeps (the newest). */
  static final int LOG_SIZE = 500;

  private final int healthPoints;
  private final Map<String, SignalEntry> latestSignal = new HashMap<>();
  private final Map<String, Map<String, HistoryStep>> history = new HashMap<>();
  private final Map<String, String> vendors = new HashMap<>();
  private final Set<String> seenSignals = new HashSet<>();
  private final Deque<SignalEntry> log = new ArrayDeque<>();
  private final Map<String, AlertEntry> otherAlerts = new LinkedHashMap<>();
  private final Map<String, TreeMap<Long, HealthPoint>> series = new HashMap<>();
  private final Map<String, HealthSnapshot> latestHealth = new HashMap<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private final Map<String, Long> unreadable = new TreeMap<>();
  private ViewListener listener;

  /**
   * @param healthPoints snapshots kept per version (the newest)
   */
  public DashboardView(int healthPoints) {
    if (healthPoints < 2) {
      throw new IllegalArgumentException("healthPoints must be at least 2, got " + healthPoints);
    }
    this.healthPoints = healthPoints;
  }

  public synchronized void setListener(ViewListener listener) {
    this.listener = listener;
  }

  /** A record of the rollback-signals topic, with the record's timestamp. */
  public void onSignal(RollbackSignal signal, long recordTimestamp) {
    SignalEntry entry = SignalEntry.of(signal, recordTimestamp);
    ViewListener told;
    synchronized (this) {
      if (!seenSignals.add(entry.signalId())) {
        return;
      }
      SignalEntry latest = latestSignal.get(entry.key());
      if (latest == null || isNewer(entry, latest)) {
        latestSignal.put(entry.key(), entry);
      }
      steps(entry.key())
          .put(
              entry.signalId(),
              new HistoryStep(
                  entry.signalId(),
                  entry.action(),
                  entry.decisionTime(),
                  entry.reason(),
                  entry.crashRate()));
      log.addFirst(entry);
      while (log.size() > LOG_SIZE) {
        log.removeLast();
      }
      told = listener;
    }
    if (told != null) {
      told.signalAdded(entry);
    }
  }

  /** Later episode, or the same episode and a later decision. */
  private static boolean isNewer(SignalEntry a, SignalEntry b) {
    return a.episode() != b.episode()
        ? a.episode() > b.episode()
        : a.decisionTime() >= b.decisionTime();
  }

  /**
   * A record of the spike-alerts topic. An alert that reports a rollback signal (its id is the
   * signal's, {@code component@version/e<episode>/<action>}) names the version's vendor and, once
   * compaction has dropped older signals from rollback-signals, still tells the history step it
   * reports. Any other alert (sensor tampering or degradation, say) is kept on its own.
   */
  public void onAlert(SpikeAlert alert) {
    String key =
        alert.getComponent().isEmpty()
            ? ""
            : VersionKey.of(alert.getComponent(), alert.getVersion());
    ViewListener told = null;
    synchronized (this) {
      if (!key.isEmpty() && alert.getAlertId().startsWith(key + "/e")) {
        if (alert.getVendor() != null) {
          vendors.put(key, alert.getVendor());
        }
        // The signal's own step (with its reason) wins over the alert that reports it.
        steps(key)
            .putIfAbsent(
                alert.getAlertId(),
                new HistoryStep(
                    alert.getAlertId(),
                    alert.getSeverity().name(),
                    alert.getTime().toEpochMilli(),
                    alert.getSummary(),
                    alert.getCrashRate()));
        return;
      }
      if (otherAlerts.containsKey(alert.getAlertId())) {
        return;
      }
      otherAlerts.put(
          alert.getAlertId(),
          new AlertEntry(
              alert.getAlertId(),
              key,
              alert.getVendor(),
              alert.getSeverity().name(),
              alert.getSummary(),
              alert.getTime().toEpochMilli()));
      while (otherAlerts.size() > LOG_SIZE) {
        otherAlerts.remove(otherAlerts.keySet().iterator().next());
      }
      told = listener;
    }
    if (told != null) {
      told.alertsUpdated();
    }
  }

  /** Alerts that report no rollback signal, newest first (the last {@value #LOG_SIZE}). */
  public synchronized List<AlertEntry> otherAlerts() {
    List<AlertEntry> out = new ArrayList<>(otherAlerts.values());
    out.sort(Comparator.comparingLong(AlertEntry::time).reversed());
    return out;
  }

  private Map<String, HistoryStep> steps(String key) {
    return history.computeIfAbsent(key, k -> new LinkedHashMap<>());
  }

  /** A batch of version-health records: one notice for the batch, not one per snapshot. */
  public void onHealth(List<VersionHealth> snapshots) {
    Set<String> keys = new HashSet<>();
    ViewListener told;
    synchronized (this) {
      for (VersionHealth h : snapshots) {
        HealthSnapshot s = HealthSnapshot.of(h);
        TreeMap<Long, HealthPoint> points = series.computeIfAbsent(s.key(), k -> new TreeMap<>());
        points.put(s.time(), HealthPoint.of(s));
        while (points.size() > healthPoints) {
          points.pollFirstEntry();
        }
        HealthSnapshot latest = latestHealth.get(s.key());
        if (latest == null || s.time() >= latest.time()) {
          latestHealth.put(s.key(), s);
        }
        if (s.vendor() != null) {
          vendors.putIfAbsent(s.key(), s.vendor());
        }
        keys.add(s.key());
      }
      told = listener;
    }
    if (told != null && !keys.isEmpty()) {
      told.healthUpdated(keys);
    }
  }

  /** A batch of dead-letter records, counted by reason. */
  public void onDeadLetters(List<DeadLetter> letters) {
    ViewListener told;
    synchronized (this) {
      letters.forEach(d -> deadLetters.merge(d.getReason(), 1L, Long::sum));
      told = listener;
    }
    if (told != null && !letters.isEmpty()) {
      told.deadLettersUpdated();
    }
  }

  /** A record of {@code topic} that could not be decoded: counted, never dropped silently. */
  public synchronized void onUnreadable(String topic) {
    unreadable.merge(topic, 1L, Long::sum);
  }

  /**
   * Versions whose latest signal is not RESOLVED, the most severe first (ROLLBACK, HALT, WATCH),
   * then the most recent decision first.
   */
  public synchronized List<ActiveSignal> activeSignals() {
    return latestSignal.values().stream()
        .filter(s -> !SignalAction.RESOLVED.name().equals(s.action()))
        .sorted(
            Comparator.comparingInt((SignalEntry s) -> -severity(s.action()))
                .thenComparing(Comparator.comparingLong(SignalEntry::decisionTime).reversed())
                .thenComparing(SignalEntry::key))
        .map(s -> new ActiveSignal(s, vendors.get(s.key()), historyOf(s.key())))
        .toList();
  }

  private static int severity(String action) {
    return SignalAction.valueOf(action).ordinal();
  }

  /** Every signal seen, newest first (the last {@value #LOG_SIZE}). */
  public synchronized List<SignalEntry> signalLog() {
    return List.copyOf(log);
  }

  /** The vendor of a version (from its spike alerts or health snapshots), or null. */
  public synchronized String vendorOf(String key) {
    return vendors.get(key);
  }

  /** The states a version went through, oldest first. */
  public synchronized List<HistoryStep> historyOf(String key) {
    List<HistoryStep> steps = new ArrayList<>(history.getOrDefault(key, Map.of()).values());
    steps.sort(Comparator.comparingLong(HistoryStep::time).thenComparing(HistoryStep::id));
    return steps;
  }

  /**
   * The versions the page can chart (those with health snapshots or signals): those with an active
   * signal first, the most severe first; then those signalled before, the most recent first; then
   * the rest by key. The page charts the first one until the analyst picks another.
   */
  public synchronized List<VersionOption> versions() {
    Set<String> keys = new HashSet<>(latestHealth.keySet());
    keys.addAll(latestSignal.keySet());
    Comparator<String> order =
        Comparator.comparingInt((String k) -> -activeRank(latestSignal.get(k)))
            .thenComparingLong(
                k -> latestSignal.containsKey(k) ? -latestSignal.get(k).decisionTime() : 0)
            .thenComparing(Comparator.naturalOrder());
    return keys.stream()
        .sorted(order)
        .map(
            k -> {
              SignalEntry s = latestSignal.get(k);
              HealthSnapshot latest = latestHealth.get(k);
              return new VersionOption(
                  k, s == null ? null : s.action(), latest == null ? 0 : latest.time());
            })
        .toList();
  }

  /** 0 without an active signal, else 1 + the severity of its state. */
  private static int activeRank(SignalEntry latest) {
    return latest == null || latest.action().equals(SignalAction.RESOLVED.name())
        ? 0
        : 1 + severity(latest.action());
  }

  /** The chart and ring table of one version; empty when nothing is known of it. */
  public synchronized VersionDetail detail(String key) {
    TreeMap<Long, HealthPoint> points = series.getOrDefault(key, new TreeMap<>());
    return new VersionDetail(
        key, List.copyOf(points.values()), latestHealth.get(key), historyOf(key));
  }

  /** Dead letters counted by reason. */
  public synchronized Map<String, Long> deadLetters() {
    return new TreeMap<>(deadLetters);
  }

  /** Records per topic that could not be decoded. */
  public synchronized Map<String, Long> unreadable() {
    return new TreeMap<>(unreadable);
  }
}
