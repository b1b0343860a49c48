package dev.crashwatch.launcher;

import dev.crashwatch.observability.MeterRegistries;
import dev.crashwatch.observability.MetricsServer;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.metrics.ProcessorEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the stream processor against a real cluster until it is stopped. */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    description = {
      "Run the stream processor against your Kafka and schema registry until stopped (SIGTERM).",
      "Settings: defaults, then --config FILE, then CRASHWATCH_* environment variables,"
          + " then the options below."
    })
final class ProcessCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus /metrics and /health/live, /health/ready on this port (setting"
              + " metrics.port).")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    var settings = cluster.load(ProcessorSettings.DECLARED);
    if (metricsPort != null) {
      settings = settings.with("metrics.port", metricsPort.toString(), "--metrics-port");
    }
    ProcessorSettings processorSettings = new ProcessorSettings(settings);
    PrometheusMeterRegistry meters = MeterRegistries.prometheus("crashwatch-processor");
    try (StreamProcessor processor = new StreamProcessor(processorSettings, meters)) {
      Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "crashwatch-shutdown"));
      Optional<MetricsServer> endpoint =
          ProcessorEndpoint.start(processorSettings, processor, meters);
      try {
        processor.start();
        Throwable failure = processor.awaitStop(Duration.ofDays(365_000));
        return failure == null ? 0 : 1;
      } finally {
        endpoint.ifPresent(MetricsServer::close);
      }
    }
  }
}
