package dev.crashwatch.dashboard;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalEvidence;
import java.util.List;

/**
 * One rollback signal as the page shows it: the state change and every field of its evidence,
 * flattened for JSON. Times are epoch milliseconds.
 *
 * @param key {@code component@version}, the topic's key
 * @param statistic {@code log10} of the deciding test's e-value (0 for blame's fixed-window test)
 * @param threshold {@code log10} of the e-value the signalled level needs
 * @param recordTimestamp the Kafka record's timestamp on the rollback-signals topic
 */
public record SignalEntry(
    String signalId,
    String key,
    String component,
    String version,
    String action,
    String previousAction,
    int episode,
    String reason,
    long crashedDevices,
    long silentDevices,
    long exposedDevices,
    double crashRate,
    double baselineRate,
    String baseline,
    double significance,
    double pValue,
    String test,
    double statistic,
    double threshold,
    Double rateRatioLower,
    Double rateRatioUpper,
    String topBugcheck,
    String topModule,
    boolean moduleBelongsToComponent,
    List<String> ringsReached,
    Long firstCrashTime,
    long decisionTime,
    long recordTimestamp) {

  public static SignalEntry of(RollbackSignal s, long recordTimestamp) {
    SignalEvidence e = s.getEvidence();
    return new SignalEntry(
        s.getSignalId(),
        VersionKey.of(s.getComponent(), s.getVersion()),
        s.getComponent(),
        s.getVersion(),
        s.getAction().name(),
        s.getPreviousAction() == null ? null : s.getPreviousAction().name(),
        s.getEpisode(),
        s.getReason(),
        e.getCrashedDevices(),
        e.getSilentDevices(),
        e.getExposedDevices(),
        e.getCrashRate(),
        e.getBaselineRate(),
        e.getBaseline(),
        e.getSignificance(),
        e.getPValue(),
        e.getTest(),
        e.getStatistic(),
        e.getThreshold(),
        e.getRateRatioLower(),
        e.getRateRatioUpper(),
        e.getTopBugcheck(),
        e.getTopModule(),
        e.getModuleBelongsToComponent(),
        List.copyOf(e.getRingsReached()),
        e.getFirstCrashTime() == null ? null : e.getFirstCrashTime().toEpochMilli(),
        e.getDecisionTime().toEpochMilli(),
        recordTimestamp);
  }
}
