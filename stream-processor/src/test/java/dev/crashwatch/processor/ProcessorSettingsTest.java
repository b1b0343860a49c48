package dev.crashwatch.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.Settings;
import dev.crashwatch.processor.detect.DetectorThresholds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {

  private static ProcessorSettings with(Map<String, String> values) {
    Settings raw = Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of());
    for (Map.Entry<String, String> e : values.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue(), "test");
    }
    return new ProcessorSettings(raw);
  }

  @Test
  void detectorDefaultsAreTheDecisionCoresDefaults() {
    ProcessorSettings settings = with(Map.of());
    assertThat(settings.detectorThresholds()).isEqualTo(DetectorThresholds.DEFAULTS);
    assertThat(settings.detectorWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(settings.detectorInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.vendorHealthInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.componentModules()).isEmpty();
  }

  @Test
  void thresholdsAndComponentModulesAreConfigurable() {
    ProcessorSettings settings =
        with(
            Map.of(
                "detector.halt.min.devices",
                "7",
                "detector.component.modules",
                "acme.sensor=acmesensor.sys, acme.sensor-content=acmesensor.sys,"
                    + "acme.sensor=acmeflt.sys"));
    assertThat(settings.detectorThresholds().haltMinDevices()).isEqualTo(7);
    assertThat(settings.componentModules())
        .containsEntry("acme.sensor", List.of("acmesensor.sys", "acmeflt.sys"))
        .containsEntry("acme.sensor-content", List.of("acmesensor.sys"));
    assertThatThrownBy(
            () -> with(Map.of("detector.component.modules", "nonsense")).componentModules())
        .hasMessageContaining("component=module");
  }

  @Test
  void theWriteBackBoundsAreConfigurableAndABoundBelowOneNamesItsKey() {
    assertThat(with(Map.of()).statsCacheEntries()).isEqualTo(20_000);
    assertThat(with(Map.of("stats.cache.entries", "500")).statsCacheEntries()).isEqualTo(500);
    assertThatThrownBy(() -> with(Map.of("stats.cache.entries", "0")).statsCacheEntries())
        .hasMessageContaining("stats.cache.entries");
    assertThat(with(Map.of()).deviceStateCacheEntries()).isEqualTo(10_000);
    assertThatThrownBy(
            () -> with(Map.of("device.state.cache.entries", "-1")).deviceStateCacheEntries())
        .hasMessageContaining("device.state.cache.entries");
  }

  @Test
  void streamThreadsDefaultToTheCoresAndZeroNamesItsKey() {
    assertThat(with(Map.of()).streamThreads())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(with(Map.of("num.stream.threads", "3")).streamThreads()).isEqualTo(3);
    assertThatThrownBy(() -> with(Map.of("num.stream.threads", "0")).streamThreads())
        .hasMessageContaining("num.stream.threads");
  }
}
