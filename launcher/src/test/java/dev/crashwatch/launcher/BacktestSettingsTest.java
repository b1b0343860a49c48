package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.Settings;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestSettingsTest {

  @TempDir Path dir;

  private Settings production() throws Exception {
    Path file = dir.resolve("production.properties");
    Files.writeString(
        file,
        "bootstrap.servers=broker:9092\nschema.registry.url=http://registry\n"
            + "detector.halt.min.devices=7\ntopic.boots=boots\n");
    return Settings.load(ProcessorSettings.DECLARED, Optional.of(file), Map.of());
  }

  @Test
  void theCandidateIsProductionWithItsFileOnTop() throws Exception {
    Path file = dir.resolve("candidate.properties");
    Files.writeString(file, "detector.halt.min.devices=20\ndetector.window=PT45M\n");

    Settings candidate = BacktestSettings.candidate(production(), file);

    assertThat(candidate.getString("detector.halt.min.devices")).isEqualTo("20");
    assertThat(candidate.getString("detector.window")).isEqualTo("PT45M");
    assertThat(candidate.getString("bootstrap.servers")).isEqualTo("broker:9092");
    assertThat(candidate.originOf("detector.window")).isEqualTo("candidate file " + file);
    assertThat(BacktestSettings.differences(production(), candidate, file))
        .hasEntrySatisfying(
            "detector.halt.min.devices", v -> assertThat(v).containsExactly("7", "20"));
  }

  @Test
  void aCandidateMayNotRedirectWhatTheBacktestReadsOrWritesNorSetUnknownKeys() throws Exception {
    for (String line :
        new String[] {
          "topic.rollback.signals=rollback-signals",
          "application.id=crashwatch-detector",
          "kafka.transactional.id=x",
          "bootstrap.servers=elsewhere:9092",
          "state.dir=/tmp/x"
        }) {
      Path file = dir.resolve("refused.properties");
      Files.writeString(file, line + "\n");
      String key = line.substring(0, line.indexOf('='));
      assertThatThrownBy(() -> BacktestSettings.candidate(production(), file))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key)
          .hasMessageContaining("detector settings only");
    }
    Path typo = dir.resolve("typo.properties");
    Files.writeString(typo, "detector.hlat.min.devices=3\n");
    assertThatThrownBy(() -> BacktestSettings.candidate(production(), typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("detector.hlat.min.devices");
  }

  @Test
  void eachRunHasItsOwnApplicationStateAndOutputsAndReadsTheRangeCopy() throws Exception {
    Settings run =
        BacktestSettings.forRun(production(), "tune-1", "candidate", dir.resolve("state"));
    Topics t = Topics.from(run);

    assertThat(run.getString("application.id")).isEqualTo("backtest.tune-1.candidate");
    assertThat(run.getString("state.dir")).isEqualTo(dir.resolve("state").toString());
    assertThat(t.inputs())
        .containsExactly(
            "backtest.tune-1.input.boots",
            "backtest.tune-1.input.device-crashes",
            "backtest.tune-1.input.sensor-heartbeats");
    assertThat(
            java.util.List.of(
                t.rollbackSignals(), t.spikeAlerts(), t.deadLetters(), t.versionHealth()))
        .containsExactly(
            "backtest.tune-1.candidate.rollback-signals",
            "backtest.tune-1.candidate.spike-alerts",
            "backtest.tune-1.candidate.telemetry-dead-letters",
            "backtest.tune-1.candidate.version-health");
    assertThat(t.vendorHealthPrefix()).isEqualTo("backtest.tune-1.candidate.vendor-health.");
    assertThat(t.catalogue())
        .as("production's catalogue, read only")
        .isEqualTo("component-catalogue");
    assertThatThrownBy(() -> BacktestSettings.prefix("Not_A_Topic/Name"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--run");
  }
}
