package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioDefaultsTest {

  @Test
  void minimalScenarioTakesEveryTopLevelDefault() {
    Scenario s = ScenarioJson.minimal().load();

    assertThat(s.seed()).isZero();
    assertThat(s.rollouts()).isEmpty();
    assertThat(s.incidents()).isEmpty();
    assertThat(s.telemetry()).isEqualTo(Telemetry.NONE);
    assertThat(s.controller()).isFalse();
    assertThat(s.expect()).isEqualTo(Expectations.NONE);
    assertThat(s.expect().noOthers()).isTrue();
  }

  @Test
  void fleetDefaults() {
    Fleet fleet = ScenarioJson.minimal().load().fleet();

    assertThat(fleet.tenants()).isEqualTo(1);
    assertThat(fleet.heartbeatEvery()).isEqualTo(Duration.ofMinutes(10));
    assertThat(fleet.baselineCrashesPerDeviceDay()).isZero();
    Component component = fleet.components().get(0);
    assertThat(component.module()).isNull();
    assertThat(component.mode()).isEqualTo(ComponentMode.USER);
  }

  @Test
  void explicitNullCountsAsMissing() {
    Scenario s = ScenarioJson.minimal().set("/seed", "null").set("/fleet/tenants", "null").load();

    assertThat(s.seed()).isZero();
    assertThat(s.fleet().tenants()).isEqualTo(1);
  }

  @Test
  void telemetryFieldsDefaultOneByOne() {
    Telemetry t =
        ScenarioJson.minimal().set("/telemetry", "{\"duplicates\": 0.1}").load().telemetry();

    assertThat(t.duplicates()).isEqualTo(0.1);
    assertThat(t.uploadDelay()).isEqualTo(DurationRange.ZERO);
    assertThat(t.clockSkew()).isEqualTo(Duration.ZERO);
    assertThat(t.malformed()).isZero();
    assertThat(t.crashUploadLoss()).isZero();
  }

  @Test
  void rolloutDefaults() {
    Rollout r =
        ScenarioJson.reference()
            .remove("/rollouts/0/spreadOver")
            .remove("/rollouts/0/fault")
            .load()
            .rollouts()
            .get(0);

    assertThat(r.spreadOver()).isEqualTo(Duration.ZERO);
    assertThat(r.fault()).isNull();
    assertThat(r.isFaulty()).isFalse();
  }

  @Test
  void faultDefaults() {
    Fault fault =
        ScenarioJson.reference()
            .set("/rollouts/0/fault", "{\"crashProbability\": 0.5}")
            .load()
            .rollouts()
            .get(0)
            .fault();

    assertThat(fault.after()).isEqualTo(DurationRange.ZERO);
    assertThat(fault.loop()).isFalse();
    assertThat(fault.bugcheck()).isNull();
    // acme.sensor-content's own module
    assertThat(fault.module()).isEqualTo("acmesensor.sys");
    assertThat(fault.onlyWith()).isEmpty();
  }

  @Test
  void incidentDefaults() {
    Scenario s =
        ScenarioJson.reference()
            .remove("/incidents/0/share")
            .remove("/incidents/1/bugcheck")
            .remove("/incidents/1/module")
            .set("/fleet/components/2/module", "\"ntoskrnl.exe\"")
            .load();

    PowerOutage power = s.incidents(PowerOutage.class).get(0);
    assertThat(power.share()).isEqualTo(1.0);
    assertThat(power.duration()).isEqualTo(Duration.ofMinutes(15));
    CrashWave wave = s.incidents(CrashWave.class).get(0);
    assertThat(wave.bugcheck()).isNull();
    assertThat(wave.module()).isEqualTo("ntoskrnl.exe");
  }

  @Test
  void powerOutageAcceptsForAsAnExtension() {
    PowerOutage power =
        ScenarioJson.reference()
            .set("/incidents/0/for", "\"PT40M\"")
            .load()
            .incidents(PowerOutage.class)
            .get(0);

    assertThat(power.duration()).isEqualTo(Duration.ofMinutes(40));
    assertThat(power.end()).isEqualTo(Duration.ofMinutes(85));
  }

  @Test
  void expectationDefaults() {
    Scenario s =
        ScenarioJson.reference()
            .remove("/expect/must/0/within")
            .remove("/expect/must/0/before")
            .remove("/expect/may")
            .remove("/expect/noOthers")
            .load();

    MustSignal must = s.expect().must().get(0);
    assertThat(must.within()).isEqualTo(s.duration());
    assertThat(must.before()).isNull();
    assertThat(s.expect().may()).isEmpty();
    assertThat(s.expect().noOthers()).isTrue();
  }

  @Test
  void expectWithoutMustMeansNothingMustBeSignalled() {
    Expectations expect =
        ScenarioJson.reference().set("/expect", "{\"noOthers\": false}").load().expect();

    assertThat(expect.must()).isEmpty();
    assertThat(expect.may()).isEmpty();
    assertThat(expect.noOthers()).isFalse();
  }
}
