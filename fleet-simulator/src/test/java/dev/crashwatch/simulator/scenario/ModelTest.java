package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void actionsAreOrderedBySeverity() {
    assertThat(Action.ROLLBACK.atLeast(Action.HALT)).isTrue();
    assertThat(Action.HALT.atLeast(Action.HALT)).isTrue();
    assertThat(Action.WATCH.atLeast(Action.HALT)).isFalse();
    assertThat(Action.HALT.atLeast(Action.ROLLBACK)).isFalse();
    assertThat(Action.WATCH.atLeast(Action.WATCH)).isTrue();
  }

  @Test
  void componentVersionPrintsAsTheSignalKey() {
    assertThat(new ComponentVersion("acme.sensor-content", "291"))
        .hasToString("acme.sensor-content@291");
  }

  @Test
  void faultAppliesOnlyToDevicesWithTheListedVersions() {
    Map<String, List<String>> onlyWith = new LinkedHashMap<>();
    onlyWith.put("acme.sensor", List.of("7.11.18110", "7.12.0"));
    onlyWith.put("windows", List.of("22631.3880"));
    Fault fault = new Fault(0.9, DurationRange.ZERO, true, "0x50", "acmesensor.sys", onlyWith);

    assertThat(fault.appliesTo(Map.of("acme.sensor", "7.12.0", "windows", "22631.3880"))).isTrue();
    assertThat(fault.appliesTo(Map.of("acme.sensor", "7.10.17706", "windows", "22631.3880")))
        .isFalse();
    assertThat(fault.appliesTo(Map.of("acme.sensor", "7.11.18110"))).isFalse();
    Fault everyone = new Fault(0.9, DurationRange.ZERO, true, null, null, Map.of());
    assertThat(everyone.appliesTo(Map.of())).isTrue();
  }

  @Test
  void onlyWithKeepsTheFileOrder() {
    Scenario s =
        ScenarioJson.reference()
            .set("/rollouts/0/fault/onlyWith/windows", "[\"19045.4651\"]")
            .set("/rollouts/0/fault/onlyWith/acme.sensor-content", "[\"290\"]")
            .load();

    assertThat(s.rollouts().get(0).fault().onlyWith().keySet())
        .containsExactly("acme.sensor", "windows", "acme.sensor-content");
  }

  @Test
  void falseAlarmsAreHaltsOrRollbacksOfVersionsNeitherRequiredNorAllowed() {
    Expectations expect = ScenarioJson.reference().load().expect();
    ComponentVersion faulty = new ComponentVersion("acme.sensor-content", "291");
    ComponentVersion allowed = new ComponentVersion("windows", "22631.3880");
    ComponentVersion other = new ComponentVersion("acme.sensor", "7.11.18110");

    assertThat(expect.isFalseAlarm(faulty, Action.ROLLBACK)).isFalse();
    assertThat(expect.isFalseAlarm(allowed, Action.ROLLBACK)).isFalse();
    assertThat(expect.isFalseAlarm(other, Action.WATCH)).isFalse();
    assertThat(expect.isFalseAlarm(other, Action.HALT)).isTrue();
    Expectations lenient = new Expectations(expect.must(), expect.may(), false);
    assertThat(lenient.isFalseAlarm(other, Action.ROLLBACK)).isFalse();
  }

  @Test
  void scenarioHelpersForTheSimulator() {
    Scenario s = ScenarioJson.reference().load();

    assertThat(s.timeAt(Duration.ofMinutes(40))).hasToString("2024-07-19T04:10:00Z");
    assertThat(s.rollout(new ComponentVersion("acme.sensor-content", "291"))).isPresent();
    assertThat(s.rollout(new ComponentVersion("acme.sensor-content", "290"))).isEmpty();
    assertThat(s.rollouts().get(0).waveFor("early").orElseThrow().at())
        .isEqualTo(Duration.ofMinutes(70));
    assertThat(s.incidents(CrashWave.class).get(0).end()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.fleet().ringIndex("nowhere")).isEqualTo(-1);
    assertThat(s.versionsOf("nothing")).isEmpty();
  }

  @Test
  void modelListsAreImmutable() {
    Scenario s = ScenarioJson.reference().load();

    assertThat(s.rollouts()).isUnmodifiable();
    assertThat(s.fleet().rings()).isUnmodifiable();
    assertThat(s.rollouts().get(0).fault().onlyWith()).isUnmodifiable();
    assertThat(s.rollouts().get(0).fault().onlyWith().get("acme.sensor")).isUnmodifiable();
  }
}
