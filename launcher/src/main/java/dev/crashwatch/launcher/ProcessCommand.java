package dev.crashwatch.launcher;

import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings.")
  Path config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Schema registry base URL.")
  String schemaRegistryUrl;

  @Override
  public Integer call() throws Exception {
    var settings = ProcessorSettings.load(Optional.ofNullable(config), System.getenv()).raw();
    if (bootstrapServers != null) {
      settings = settings.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }
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
