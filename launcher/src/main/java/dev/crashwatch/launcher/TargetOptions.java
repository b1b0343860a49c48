package dev.crashwatch.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where a scenario runs (a picocli mixin): the embedded stack by default, {@code --secured} for the
 * embedded stack with TLS, SCRAM and ACLs, or your cluster. Security settings and passwords come
 * from {@code --config FILE} or {@code CRASHWATCH_*} variables, never from an option.
 */
final class TargetOptions {

  // Also from the environment, so that compose configures the simulator like every other service.
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:CRASHWATCH_BOOTSTRAP_SERVERS}",
      description = "Your Kafka (default: CRASHWATCH_BOOTSTRAP_SERVERS).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      defaultValue = "${env:CRASHWATCH_SCHEMA_REGISTRY_URL}",
      description = "Your schema registry (default: CRASHWATCH_SCHEMA_REGISTRY_URL).")
  String schemaRegistryUrl;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Settings for your cluster (bootstrap.servers, schema.registry.*, kafka.security.* ...,"
              + " passwords included; keep it 0600).")
  Path config;

  @Mixin SecuredOption secured;

  PipelineTarget target() {
    return new PipelineTarget(bootstrapServers, schemaRegistryUrl, config, secured.secured);
  }
}
