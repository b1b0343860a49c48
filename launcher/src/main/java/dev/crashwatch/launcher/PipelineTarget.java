package dev.crashwatch.launcher;

import java.nio.file.Path;

/**
 * Where a scenario's pipeline runs: your cluster (addresses given, security from {@code config} and
 * {@code CRASHWATCH_*} variables), or the embedded local stack, plaintext or secured.
 *
 * @param bootstrapServers your Kafka, or null for the embedded stack
 * @param registryUrl your schema registry, or null for the embedded stack
 * @param config a settings file for every client of the run (your cluster's security), or null
 * @param secured run the embedded stack secured: TLS, SCRAM principals, ACLs, each part of the
 *     pipeline as its own principal
 */
record PipelineTarget(String bootstrapServers, String registryUrl, Path config, boolean secured) {

  /** The embedded stack, plaintext or secured. */
  static PipelineTarget embedded(boolean secured) {
    return new PipelineTarget(null, null, null, secured);
  }

  boolean isEmbedded() {
    return bootstrapServers == null && registryUrl == null && config == null;
  }
}
