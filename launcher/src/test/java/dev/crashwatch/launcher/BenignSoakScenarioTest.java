package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.simulator.scenario.NetworkOutage;
import dev.crashwatch.simulator.scenario.PowerOutage;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import dev.crashwatch.simulator.scenario.Wave;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benign soak (issue 10: "at least two simulated days, at least 50 benign rollouts across
 * several components and rings, baseline crashes, power and network outages, late and duplicated
 * telemetry: no HALT or ROLLBACK") keeps being all of that, so that nobody shrinks it silently to
 * make it pass or run faster.
 */
class BenignSoakScenarioTest {

  private final Scenario soak =
      ScenarioLoader.load(Path.of("..", "scenarios", "soak", "benign-soak-two-days.json"));

  @Test
  void lastsTwoDaysWithFiftyHarmlessRolloutsAcrossComponentsAndRings() {
    assertThat(soak.duration()).isGreaterThanOrEqualTo(Duration.ofDays(2));
    assertThat(soak.rollouts()).hasSizeGreaterThanOrEqualTo(50).noneMatch(Rollout::isFaulty);
    assertThat(soak.rollouts().stream().map(Rollout::component).distinct())
        .hasSizeGreaterThanOrEqualTo(4);
    assertThat(soak.fleet().rings()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(soak.rollouts())
        .as("every rollout reaches every ring, within the run")
        .allSatisfy(
            r -> {
              assertThat(r.waves()).hasSize(soak.fleet().rings().size());
              assertThat(r.waves().stream().map(Wave::at).max(Duration::compareTo).orElseThrow())
                  .isLessThan(soak.duration());
            });
    assertThat(soak.rollouts().stream().map(r -> r.waves().get(0).at()).distinct())
        .as("spread over the two days, not in one burst")
        .anySatisfy(at -> assertThat(at).isLessThan(Duration.ofHours(6)))
        .anySatisfy(at -> assertThat(at).isGreaterThan(Duration.ofHours(40)));
  }

  @Test
  void hasTheNoiseOfARealFleetAndAllowsNoSignal() {
    assertThat(soak.fleet().baselineCrashesPerDeviceDay()).isPositive();
    assertThat(soak.incidents(PowerOutage.class)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(soak.incidents(NetworkOutage.class)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(soak.telemetry().uploadDelay().high())
        .isGreaterThanOrEqualTo(Duration.ofMinutes(30));
    assertThat(soak.telemetry().duplicates()).isGreaterThanOrEqualTo(0.01);
    assertThat(soak.telemetry().clockSkew()).isPositive();
    assertThat(soak.expect().must()).isEmpty();
    assertThat(soak.expect().may()).isEmpty();
    assertThat(soak.expect().noOthers()).isTrue();
  }
}
