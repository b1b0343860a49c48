package dev.crashwatch.simulator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioJudgeTest {

  // channel-file-291: must ROLLBACK acme.sensor-content@291; may signal windows@22631.3880
  private static final Scenario SCENARIO =
      ScenarioLoader.load(Path.of("../scenarios/channel-file-291.json"));

  private static final Instant FIRST_CRASH = Instant.parse("2024-07-19T04:11:00Z");

  private static ExpectationResult noOthers(ObservedSignal... signals) {
    SimulationResult result =
        new SimulationResult(
            1_000,
            10,
            10,
            0,
            0,
            Map.of("canary", 10L),
            10,
            Map.of("acme.sensor-content@291", FIRST_CRASH),
            List.of(),
            Duration.ofSeconds(1));
    return ScenarioJudge.judge(SCENARIO, result, List.of(signals)).expectations().stream()
        .filter(e -> e.expectation().equals("no other HALT or ROLLBACK"))
        .findFirst()
        .orElseThrow();
  }

  private static ObservedSignal signal(String component, String version, String action) {
    return new ObservedSignal(
        component, version, action, FIRST_CRASH.plusSeconds(300), Instant.EPOCH);
  }

  @Test
  void aHaltTheScenarioMayHaveIsNamedNotReportedAsNone() {
    ExpectationResult r =
        noOthers(
            signal("acme.sensor-content", "291", "ROLLBACK"),
            signal("windows", "22631.3880", "HALT"),
            signal("windows", "22631.3880", "RESOLVED"));

    assertThat(r.passed()).isTrue();
    assertThat(r.measured())
        .isEqualTo(
            "none (allowed by the scenario's \"may\": HALT windows@22631.3880 at"
                + " 2024-07-19T04:16:00Z)");
  }

  @Test
  void aHaltOfAnotherVersionIsAFalseAlarm() {
    ExpectationResult r =
        noOthers(
            signal("acme.sensor-content", "291", "ROLLBACK"),
            signal("acme.sensor", "7.11.18110", "HALT"),
            signal("acme.sensor", "7.10.17706", "WATCH"));

    assertThat(r.passed()).isFalse();
    assertThat(r.measured())
        .isEqualTo("false alarms: HALT acme.sensor@7.11.18110 at 2024-07-19T04:16:00Z");
  }

  @Test
  void onlyTheMustTargetSignalledIsNone() {
    assertThat(noOthers(signal("acme.sensor-content", "291", "ROLLBACK")).measured())
        .isEqualTo("none");
  }
}
