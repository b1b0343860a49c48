package dev.crashwatch.schema;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One topic as the pipeline needs it: name, partition count, replication factor (empty: the
 * broker's {@code default.replication.factor}) and the topic-level configs it must have. Configs
 * not named here are the cluster's business and are left alone.
 *
 * @param name topic name
 * @param partitions partition count
 * @param replicationFactor replicas per partition, or empty for the broker's default
 * @param configs topic-level configs ({@code cleanup.policy}, {@code retention.ms}, ...)
 * @param purpose one line for people: what the topic holds
 */
public record TopicSpec(
    String name,
    int partitions,
    Optional<Short> replicationFactor,
    Map<String, String> configs,
    String purpose) {

  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          name + ": partitions must be at least 1, was " + partitions);
    }
    configs = java.util.Collections.unmodifiableMap(new TreeMap<>(configs));
  }
}
