package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in the repository's scenarios folder is valid, and each tests what it says. */
class ScenarioFilesTest {

  static Stream<Path> scenarioFiles() throws IOException {
    try (Stream<Path> files = Files.list(ScenarioJson.SCENARIOS)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarioFiles")
  void loads(Path file) {
    Scenario s = ScenarioLoader.load(file);

    assertThat(s.name() + ".json").isEqualTo(file.getFileName().toString());
  }

  @Test
  void theFolderHoldsTheReferenceAndPatternFiles() throws IOException {
    assertThat(scenarioFiles().map(f -> f.getFileName().toString()))
        .contains(
            "channel-file-291.json",
            "july19-full-scale.json",
            "benign-power-outage.json",
            "benign-network-outage.json",
            "benign-os-crash-wave-during-rollout.json",
            "benign-noisy-telemetry.json",
            "faulty-driver-rollout.json",
            "faulty-silent-bootloop.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarioFiles")
  void benignFilesHaveNoFaultAndExpectNoSignal(Path file) {
    Scenario s = ScenarioLoader.load(file);
    if (!s.name().startsWith("benign-")) {
      return;
    }
    assertThat(s.rollouts()).isNotEmpty().noneMatch(Rollout::isFaulty);
    assertThat(s.expect().must()).isEmpty();
    assertThat(s.expect().noOthers()).isTrue();
    for (Rollout rollout : s.rollouts()) {
      assertThat(s.expect().may()).doesNotContain(rollout.target());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarioFiles")
  void faultyFilesExpectTheirFaultyVersion(Path file) {
    Scenario s = ScenarioLoader.load(file);
    if (!s.name().startsWith("faulty-")) {
      return;
    }
    List<ComponentVersion> faulty =
        s.rollouts().stream().filter(Rollout::isFaulty).map(Rollout::target).toList();
    assertThat(s.expect().must()).extracting(MustSignal::target).containsExactlyElementsOf(faulty);
  }

  @Test
  void benignPatterns() {
    assertThat(load("benign-power-outage").incidents(PowerOutage.class)).isNotEmpty();
    assertThat(load("benign-network-outage").incidents(NetworkOutage.class)).isNotEmpty();
    Scenario noisy = load("benign-noisy-telemetry");
    assertThat(noisy.telemetry().duplicates()).isGreaterThanOrEqualTo(0.1);
    assertThat(noisy.telemetry().malformed()).isPositive();
    assertThat(noisy.telemetry().clockSkew()).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(noisy.telemetry().uploadDelay().high()).isGreaterThanOrEqualTo(Duration.ofHours(1));

    Scenario osWave = load("benign-os-crash-wave-during-rollout");
    CrashWave wave = osWave.incidents(CrashWave.class).get(0);
    assertThat(osWave.expect().may()).containsExactly(wave.target());
    Rollout sensor = osWave.rollouts().get(0);
    assertThat(sensor.component()).isEqualTo("acme.sensor");
    // the wave overlaps the rollout's first waves, in the same rings
    assertThat(wave.at()).isBetween(sensor.waves().get(0).at(), sensor.waves().get(1).at());
  }

  @Test
  void faultyPatterns() {
    Scenario driver = load("faulty-driver-rollout");
    Rollout gpu = driver.rollout(new ComponentVersion("gpu-driver", "553.40")).orElseThrow();
    assertThat(gpu.fault().module()).isEqualTo("vtxgpu.sys");
    assertThat(driver.fleet().component("acme.sensor").orElseThrow().module())
        .isNotEqualTo(gpu.fault().module());
    MustSignal must = driver.expect().must().get(0);
    assertThat(must.action()).isEqualTo(Action.ROLLBACK);
    assertThat(must.before()).isEqualTo("broad");

    Scenario silent = load("faulty-silent-bootloop");
    assertThat(silent.telemetry().crashUploadLoss()).isGreaterThanOrEqualTo(0.95);
    assertThat(silent.rollouts().get(0).fault().loop()).isTrue();
  }

  private static Scenario load(String name) {
    return ScenarioLoader.load(ScenarioJson.SCENARIOS.resolve(name + ".json"));
  }
}
