package dev.crashwatch.dashboard;

import static dev.crashwatch.dashboard.Outputs.alert;
import static dev.crashwatch.dashboard.Outputs.deadLetter;
import static dev.crashwatch.dashboard.Outputs.health;
import static dev.crashwatch.dashboard.Outputs.signal;
import static dev.crashwatch.dashboard.Outputs.t;
import static dev.crashwatch.events.SignalAction.HALT;
import static dev.crashwatch.events.SignalAction.RESOLVED;
import static dev.crashwatch.events.SignalAction.ROLLBACK;
import static dev.crashwatch.events.SignalAction.WATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.events.SpikeAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardViewTest {

  private static final String CONTENT = "acme.sensor-content";

  private final DashboardView view = new DashboardView(3);

  @Test
  void anActiveSignalCarriesItsFullEvidenceAndItsHistory() {
    view.onSignal(signal(CONTENT, "291", WATCH, null, 1), 101);
    view.onSignal(signal(CONTENT, "291", HALT, WATCH, 3), 103);

    assertThat(view.activeSignals())
        .singleElement()
        .satisfies(
            a -> {
              SignalEntry s = a.signal();
              assertThat(s.key()).isEqualTo("acme.sensor-content@291");
              assertThat(s.action()).isEqualTo("HALT");
              assertThat(s.previousAction()).isEqualTo("WATCH");
              assertThat(s.recordTimestamp()).isEqualTo(103);
              // every field of SignalEvidence
              assertThat(s.crashedDevices()).isEqualTo(41);
              assertThat(s.silentDevices()).isEqualTo(2);
              assertThat(s.exposedDevices()).isEqualTo(63);
              assertThat(s.crashRate()).isEqualTo(43.0 / 63);
              assertThat(s.baselineRate()).isEqualTo(0.0002);
              assertThat(s.baseline()).isEqualTo("rest-of-fleet");
              assertThat(s.significance()).isEqualTo(12.5);
              assertThat(s.pValue()).isEqualTo(1.2e-12);
              assertThat(s.test()).isEqualTo("two-sample e-process");
              assertThat(s.statistic()).isEqualTo(9.4);
              assertThat(s.threshold()).isEqualTo(3.3);
              assertThat(s.rateRatioLower()).isEqualTo(45.3);
              assertThat(s.rateRatioUpper()).isEqualTo(362.0);
              assertThat(s.topBugcheck()).isEqualTo("0x50");
              assertThat(s.topModule()).isEqualTo("acmesensor.sys");
              assertThat(s.moduleBelongsToComponent()).isTrue();
              assertThat(s.ringsReached()).containsExactly("canary");
              assertThat(s.firstCrashTime()).isEqualTo(t(-5).toEpochMilli());
              assertThat(s.decisionTime()).isEqualTo(t(3).toEpochMilli());
              assertThat(a.history())
                  .extracting(HistoryStep::action)
                  .containsExactly("WATCH", "HALT");
            });
  }

  @Test
  void aResolvedSignalLeavesTheActiveListButStaysInTheLogAndHistory() {
    view.onSignal(signal(CONTENT, "291", HALT, null, 1), 1);
    view.onSignal(signal(CONTENT, "291", ROLLBACK, HALT, 2), 2);
    view.onSignal(signal(CONTENT, "291", RESOLVED, ROLLBACK, 9), 9);

    assertThat(view.activeSignals()).isEmpty();
    assertThat(view.signalLog())
        .extracting(SignalEntry::action)
        .containsExactly("RESOLVED", "ROLLBACK", "HALT");
    assertThat(view.historyOf("acme.sensor-content@291"))
        .extracting(HistoryStep::action)
        .containsExactly("HALT", "ROLLBACK", "RESOLVED");
  }

  @Test
  void aNewEpisodeAfterResolvedIsActiveAgain() {
    view.onSignal(signal(CONTENT, "291", 1, HALT, null, 1), 1);
    view.onSignal(signal(CONTENT, "291", 1, RESOLVED, HALT, 5), 5);
    view.onSignal(signal(CONTENT, "291", 2, WATCH, null, 8), 8);

    assertThat(view.activeSignals())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.signal().action()).isEqualTo("WATCH");
              assertThat(a.signal().episode()).isEqualTo(2);
            });
  }

  @Test
  void aSignalReadAgainIsIgnoredAndAnnouncedOnce() {
    List<String> announced = new ArrayList<>();
    view.setListener(listener(announced));
    view.onSignal(signal(CONTENT, "291", HALT, null, 1), 1);
    view.onSignal(signal(CONTENT, "291", HALT, null, 1), 1);

    assertThat(view.signalLog()).hasSize(1);
    assertThat(announced).containsExactly("signal acme.sensor-content@291/e1/HALT");
  }

  @Test
  void theActiveListPutsTheMostSevereFirst() {
    view.onSignal(signal("windows", "22631", WATCH, null, 9), 9);
    view.onSignal(signal(CONTENT, "291", ROLLBACK, HALT, 2), 2);
    view.onSignal(signal("gpu-driver", "553.40", HALT, WATCH, 5), 5);

    assertThat(view.activeSignals())
        .extracting(a -> a.signal().key())
        .containsExactly("acme.sensor-content@291", "gpu-driver@553.40", "windows@22631");
  }

  @Test
  void spikeAlertsKeepTheHistoryThatCompactionDroppedFromTheSignalsTopic() {
    // A dashboard started late: rollback-signals kept only the latest state (compacted),
    // spike-alerts (kept by retention) still has one alert per state change.
    view.onAlert(alert(CONTENT, "291", WATCH, 1));
    view.onAlert(alert(CONTENT, "291", HALT, 3));
    view.onSignal(signal(CONTENT, "291", HALT, WATCH, 3), 3);

    assertThat(view.activeSignals())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.vendor()).isEqualTo("acme");
              assertThat(a.history())
                  .extracting(HistoryStep::action, HistoryStep::text)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(
                          "WATCH", "acme.sensor-content@291: WATCH summary"),
                      // the signal's own reason wins over the alert's summary
                      org.assertj.core.groups.Tuple.tuple(
                          "HALT", "HALT because 41 of 63 devices failed"));
            });
  }

  @Test
  void anAlertThatReportsNoSignalIsKeptOnItsOwnNotInAHistory() {
    List<String> announced = new ArrayList<>();
    view.setListener(listener(announced));
    SpikeAlert tampering =
        alert(
            CONTENT,
            "291",
            HALT,
            4,
            "sensor-tampered:acme.sensor-content@291@2024-07-19T04:04:00Z",
            "acme.sensor-content@291: 12 of 63 devices report TAMPERED sensors");
    SpikeAlert tenant =
        alert(
            "",
            "",
            HALT,
            5,
            "sensor-degraded:tenant:7@2024-07-19T04:05:00Z",
            "tenant 7: 30 of 40 devices report DEGRADED sensors");
    view.onAlert(tampering);
    view.onAlert(tenant);
    view.onAlert(tenant);

    assertThat(view.historyOf("acme.sensor-content@291")).isEmpty();
    assertThat(view.otherAlerts())
        .extracting(AlertEntry::key, AlertEntry::summary)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "", "tenant 7: 30 of 40 devices report DEGRADED sensors"),
            org.assertj.core.groups.Tuple.tuple(
                "acme.sensor-content@291",
                "acme.sensor-content@291: 12 of 63 devices report TAMPERED sensors"));
    assertThat(announced).containsExactly("alerts", "alerts");
  }

  @Test
  void healthSnapshotsFormASeriesInTimeOrderBoundedToTheNewest() {
    List<String> announced = new ArrayList<>();
    view.setListener(listener(announced));
    view.onHealth(
        List.of(
            health(CONTENT, "291", 3, 0.3),
            health(CONTENT, "291", 1, 0.1),
            health(CONTENT, "291", 2, 0.2),
            health(CONTENT, "290", 2, 0.0)));
    view.onHealth(List.of(health(CONTENT, "291", 4, 0.4), health(CONTENT, "291", 4, 0.45)));

    VersionDetail detail = view.detail("acme.sensor-content@291");
    // three points kept (the view was made with 3); the same snapshot time read twice is one point
    assertThat(detail.series()).extracting(HealthPoint::crashRate).containsExactly(0.2, 0.3, 0.45);
    HealthSnapshot latest = detail.latest();
    assertThat(latest.time()).isEqualTo(t(4).toEpochMilli());
    assertThat(latest.crashRate()).isEqualTo(0.45);
    assertThat(latest.exposedByRing()).containsEntry("canary", 63L);
    assertThat(latest.crashedByRing()).containsEntry("canary", 41L);
    assertThat(announced)
        .containsExactly(
            "health [acme.sensor-content@290, acme.sensor-content@291]",
            "health [acme.sensor-content@291]");
  }

  @Test
  void aVersionsDetailMarksTheMomentsOfItsSignals() {
    view.onHealth(List.of(health(CONTENT, "291", 1, 0.1)));
    view.onSignal(signal(CONTENT, "291", WATCH, null, 1), 1);
    view.onSignal(signal(CONTENT, "291", HALT, WATCH, 2), 2);

    assertThat(view.detail("acme.sensor-content@291").signals())
        .extracting(HistoryStep::action, HistoryStep::time)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("WATCH", t(1).toEpochMilli()),
            org.assertj.core.groups.Tuple.tuple("HALT", t(2).toEpochMilli()));
    assertThat(view.detail("nothing@1").series()).isEmpty();
    assertThat(view.detail("nothing@1").latest()).isNull();
  }

  @Test
  void versionsToChartPutActiveSignalsFirstThenTheRecentlySignalledThenTheRest() {
    view.onHealth(
        List.of(
            health("windows", "22631", 1, 0.0),
            health("acme.sensor", "7.11", 1, 0.0),
            health(CONTENT, "290", 1, 0.0)));
    view.onSignal(signal("windows", "22631", HALT, null, 1), 1);
    view.onSignal(signal("windows", "22631", RESOLVED, HALT, 4), 4);
    view.onSignal(signal(CONTENT, "291", WATCH, null, 2), 2);

    assertThat(view.versions())
        .extracting(VersionOption::key, VersionOption::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acme.sensor-content@291", "WATCH"),
            org.assertj.core.groups.Tuple.tuple("windows@22631", "RESOLVED"),
            org.assertj.core.groups.Tuple.tuple("acme.sensor-content@290", null),
            org.assertj.core.groups.Tuple.tuple("acme.sensor@7.11", null));
  }

  @Test
  void deadLettersAreCountedByReasonAndUndecodableRecordsByTopic() {
    List<String> announced = new ArrayList<>();
    view.setListener(listener(announced));
    view.onDeadLetters(
        List.of(deadLetter("BAD_MAGIC_BYTE"), deadLetter("TRUNCATED"), deadLetter("TRUNCATED")));
    view.onDeadLetters(List.of());
    view.onUnreadable("version-health");

    assertThat(view.deadLetters()).isEqualTo(Map.of("BAD_MAGIC_BYTE", 1L, "TRUNCATED", 2L));
    assertThat(view.unreadable()).isEqualTo(Map.of("version-health", 1L));
    assertThat(announced).containsExactly("dead letters");
  }

  @Test
  void aSeriesOfFewerThanTwoPointsIsRefused() {
    assertThatThrownBy(() -> new DashboardView(1)).hasMessageContaining("at least 2");
  }

  private static ViewListener listener(List<String> announced) {
    return new ViewListener() {
      @Override
      public void signalAdded(SignalEntry signal) {
        announced.add("signal " + signal.signalId());
      }

      @Override
      public void healthUpdated(Set<String> keys) {
        announced.add("health " + new java.util.TreeSet<>(keys));
      }

      @Override
      public void deadLettersUpdated() {
        announced.add("dead letters");
      }

      @Override
      public void alertsUpdated() {
        announced.add("alerts");
      }
    };
  }
}
