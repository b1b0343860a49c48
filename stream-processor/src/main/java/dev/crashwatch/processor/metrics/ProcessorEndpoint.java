package dev.crashwatch.processor.metrics;

import dev.crashwatch.config.Settings;
import dev.crashwatch.observability.MetricsServer;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/** The processor's metrics and health endpoint, when {@code metrics.port} asks for one. */
public final class ProcessorEndpoint {

  private ProcessorEndpoint() {}

  /**
   * Serves {@code meters} and the processor's {@link ProcessorHealth} on {@code metrics.port}, or
   * nothing when it is empty.
   */
  public static Optional<MetricsServer> start(
      ProcessorSettings settings, StreamProcessor processor, PrometheusMeterRegistry meters) {
    Settings raw = settings.raw();
    if (raw.getOptional(MetricsServer.PORT_SETTING.key()).isEmpty()) {
      return Optional.empty();
    }
    ProcessorHealth health =
        new ProcessorHealth(
            processor.streams(),
            processor.admin(),
            settings.applicationId(),
            settings.topics().inputs(),
            raw.getLong(ProcessorHealth.MAX_LAG_SETTING.key()),
            processor.registryOutage());
    return Optional.of(
        MetricsServer.start(
            raw.getInt(MetricsServer.PORT_SETTING.key()), meters, health::live, health::ready));
  }
}
