package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceScenariosTest {

  @Test
  void channelFile291() {
    Scenario s = ScenarioLoader.load(ScenarioJson.SCENARIOS.resolve("channel-file-291.json"));

    assertThat(s.name()).isEqualTo("channel-file-291");
    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.start()).isEqualTo(Instant.parse("2024-07-19T03:30:00Z"));
    assertThat(s.duration()).isEqualTo(Duration.ofHours(3));
    assertThat(s.end()).isEqualTo(Instant.parse("2024-07-19T06:30:00Z"));
    assertThat(s.controller()).isTrue();

    Fleet fleet = s.fleet();
    assertThat(fleet.devices()).isEqualTo(100_000);
    assertThat(fleet.tenants()).isEqualTo(40);
    assertThat(fleet.rings())
        .containsExactly(new Ring("canary", 0.02), new Ring("early", 0.18), new Ring("broad", 0.8));
    assertThat(fleet.ringIndex("early")).isEqualTo(1);
    assertThat(fleet.heartbeatEvery()).isEqualTo(Duration.ofMinutes(10));
    assertThat(fleet.baselineCrashesPerDeviceDay()).isEqualTo(0.002);
    assertThat(fleet.componentIds())
        .containsExactly("acme.sensor", "acme.sensor-content", "windows");
    Component sensor = fleet.component("acme.sensor").orElseThrow();
    assertThat(sensor.vendor()).isEqualTo("acme");
    assertThat(sensor.module()).isEqualTo("acmesensor.sys");
    assertThat(sensor.mode()).isEqualTo(ComponentMode.KERNEL);
    assertThat(sensor.versions())
        .containsExactly(new VersionShare("7.11.18110", 0.7), new VersionShare("7.10.17706", 0.3));
    Component windows = fleet.component("windows").orElseThrow();
    assertThat(windows.vendor()).isEqualTo("microsoft");
    assertThat(windows.module()).isNull();
    assertThat(windows.mode()).isEqualTo(ComponentMode.USER);

    assertThat(s.rollouts()).hasSize(1);
    Rollout rollout = s.rollouts().get(0);
    assertThat(rollout.target()).hasToString("acme.sensor-content@291");
    assertThat(rollout.waves())
        .containsExactly(
            new Wave("canary", Duration.ofMinutes(40)),
            new Wave("early", Duration.ofMinutes(70)),
            new Wave("broad", Duration.ofMinutes(100)));
    assertThat(rollout.spreadOver()).isEqualTo(Duration.ofMinutes(10));
    Fault fault = rollout.fault();
    assertThat(fault.crashProbability()).isEqualTo(0.9);
    assertThat(fault.after())
        .isEqualTo(new DurationRange(Duration.ofMinutes(1), Duration.ofMinutes(5)));
    assertThat(fault.loop()).isTrue();
    assertThat(fault.bugcheck()).isEqualTo("0x50");
    assertThat(fault.module()).isEqualTo("acmesensor.sys");
    assertThat(fault.onlyWith()).containsExactly(Map.entry("acme.sensor", List.of("7.11.18110")));
    assertThat(s.versionsOf("acme.sensor-content")).containsExactly("290", "291");

    assertThat(s.incidents())
        .extracting(Incident::kind)
        .containsExactly("powerOutage", "crashWave", "networkOutage");
    assertThat(s.incidents().get(0))
        .isEqualTo(new PowerOutage(7, Duration.ofMinutes(45), 0.9, Duration.ofMinutes(15)));
    assertThat(s.incidents().get(1))
        .isEqualTo(
            new CrashWave(
                "windows",
                "22631.3880",
                Duration.ofMinutes(60),
                Duration.ofMinutes(30),
                0.05,
                "0x116",
                "nvlddmkm.sys"));
    assertThat(s.incidents(NetworkOutage.class))
        .containsExactly(new NetworkOutage(3, Duration.ofMinutes(50), Duration.ofMinutes(20)));

    Telemetry telemetry = s.telemetry();
    assertThat(telemetry.uploadDelay()).hasToString("PT0S..PT20M");
    assertThat(telemetry.duplicates()).isEqualTo(0.01);
    assertThat(telemetry.clockSkew()).isEqualTo(Duration.ofMinutes(2));
    assertThat(telemetry.malformed()).isEqualTo(0.001);
    assertThat(telemetry.crashUploadLoss()).isEqualTo(0.3);

    Expectations expect = s.expect();
    assertThat(expect.must())
        .containsExactly(
            new MustSignal(
                "acme.sensor-content", "291", Action.ROLLBACK, Duration.ofMinutes(15), "early"));
    assertThat(expect.may()).containsExactly(new ComponentVersion("windows", "22631.3880"));
    assertThat(expect.noOthers()).isTrue();
  }

  @Test
  void july19FullScale() {
    Scenario s = ScenarioLoader.load(ScenarioJson.SCENARIOS.resolve("july19-full-scale.json"));

    assertThat(s.name()).isEqualTo("july19-full-scale");
    assertThat(s.seed()).isEqualTo(19);
    assertThat(s.fleet().devices()).isEqualTo(8_500_000);
    assertThat(s.fleet().tenants()).isEqualTo(5000);
    assertThat(s.fleet().rings()).containsExactly(new Ring("all", 1.0));
    assertThat(s.fleet().heartbeatEvery()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.rollouts().get(0).waves())
        .containsExactly(new Wave("all", Duration.ofMinutes(39)));
    assertThat(s.rollouts().get(0).spreadOver()).isEqualTo(Duration.ofMinutes(78));
    assertThat(s.rollouts().get(0).fault().after())
        .isEqualTo(new DurationRange(Duration.ZERO, Duration.ofMinutes(2)));
    assertThat(s.rollouts().get(0).fault().crashProbability()).isEqualTo(0.97);
    assertThat(s.incidents()).isEmpty();
    assertThat(s.telemetry().malformed()).isEqualTo(0.0001);
    assertThat(s.telemetry().crashUploadLoss()).isEqualTo(0.5);
    assertThat(s.controller()).isFalse();
    MustSignal must = s.expect().must().get(0);
    assertThat(must.action()).isEqualTo(Action.ROLLBACK);
    assertThat(must.within()).isEqualTo(Duration.ofMinutes(10));
    assertThat(must.before()).isNull();
    assertThat(s.expect().may()).isEmpty();
    assertThat(s.expect().noOthers()).isTrue();
  }

  @Test
  void aScenarioCutShortKeepsAllButItsEnd() throws Exception {
    Scenario whole = ScenarioLoader.load(ScenarioJson.SCENARIOS.resolve("july19-full-scale.json"));
    Scenario first = whole.withDuration(Duration.ofMinutes(75));

    assertThat(first.end()).isEqualTo(Instant.parse("2024-07-19T04:45:00Z"));
    assertThat(first.fleet()).isEqualTo(whole.fleet());
    assertThat(first.rollouts()).isEqualTo(whole.rollouts());
    assertThat(first.expect()).isEqualTo(whole.expect());
    assertThatThrownBy(() -> whole.withDuration(Duration.ofHours(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most its duration (PT3H), got PT4H");
    assertThatThrownBy(() -> whole.withDuration(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above zero");
  }
}
