package dev.crashwatch.launcher;

import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import java.time.Duration;
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
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Schema registry base URL.")
  String schemaRegistryUrl;

  @Override
  public Integer call() throws Exception {
    var settings = cluster.load(ProcessorSettings.DECLARED, System.getenv());
    if (schemaRegistryUrl != null) {
      settings = settings.with("schema.registry.url", schemaRegistryUrl, "--schema-registry-url");
    }
    try (StreamProcessor processor = new StreamProcessor(new ProcessorSettings(settings))) {
      Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "crashwatch-shutdown"));
      processor.start();
      Throwable failure = processor.awaitStop(Duration.ofDays(365_000));
      return failure == null ? 0 : 1;
    }
  }
}
