package dev.crashwatch.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether the local state an instance finds on disk belongs to the cluster it is about to run on.
 * Kafka Streams trusts a task's checkpoint: if the changelog's end is not past the checkpointed
 * offset there is nothing to restore, and the local RocksDB is used as it is. State left by a run
 * on another cluster, or on topics since deleted and recreated, is then counted again on top of the
 * new input (a second simulate run against fresh brokers counted 139,852 exposed devices on a
 * 100,000-device fleet). Two signs give it away: the cluster id this directory was last used with
 * ({@link #MARKER}, written at every start), and a checkpoint offset beyond the end of its topic
 * (or a topic that no longer exists). Either one means the local state is thrown away and rebuilt
 * from the changelogs, with a warning that says why.
 */
final class LocalStateCheck {

  /** File in the application's state directory holding the cluster id it was last used with. */
  static final String MARKER = "crashwatch-cluster-id";

  private static final String CHECKPOINT = ".checkpoint";
  private static final long TIMEOUT_MS = 60_000;

  private final Admin admin;
  private final Path appDir;

  /**
   * @param appDir the application's directory in the state directory ({@code state.dir/<app id>})
   */
  LocalStateCheck(Admin admin, Path appDir) {
    this.admin = admin;
    this.appDir = appDir;
  }

  /** Why the local state does not belong to this cluster, if it does not. */
  Optional<String> staleBecause() throws InterruptedException {
    if (!Files.isDirectory(appDir)) {
      return Optional.empty();
    }
    String cluster = clusterId();
    Path marker = appDir.resolve(MARKER);
    try {
      if (Files.exists(marker)) {
        String was = Files.readString(marker, StandardCharsets.UTF_8).trim();
        if (!was.equals(cluster)) {
          return Optional.of(
              "it was written on cluster " + was + ", and this is cluster " + cluster);
        }
      }
      Map<TopicPartition, Long> checkpointed = checkpoints();
      if (checkpointed.isEmpty()) {
        return Optional.empty();
      }
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (TopicPartition tp : checkpointed.keySet()) {
        if (!existing.contains(tp.topic())) {
          return Optional.of("its changelog " + tp.topic() + " no longer exists");
        }
        ends.put(tp, OffsetSpec.latest());
      }
      var latest = admin.listOffsets(ends).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      for (var e : checkpointed.entrySet()) {
        var end = latest.get(e.getKey());
        if (end == null || e.getValue() > end.offset()) {
          return Optional.of(
              "it is checkpointed at offset "
                  + e.getValue()
                  + " of "
                  + e.getKey()
                  + ", which ends at "
                  + (end == null ? "nothing" : end.offset())
                  + " (the topic was recreated)");
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the local state in " + appDir, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot compare the local state in " + appDir + " with the cluster: " + e.getMessage(),
          e);
    }
  }

  /** Notes this cluster as the one the state directory is used with. */
  void markUsed() throws InterruptedException {
    try {
      Files.createDirectories(appDir);
      Files.writeString(appDir.resolve(MARKER), clusterId() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + appDir.resolve(MARKER), e);
    }
  }

  private String clusterId() throws InterruptedException {
    try {
      return admin.describeCluster().clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the cluster id: " + e.getMessage(), e);
    }
  }

  /**
   * Every offset in the tasks' checkpoint files (Kafka Streams' {@code OffsetCheckpoint} format: a
   * version line, a count line, then {@code topic partition offset} lines).
   */
  private Map<TopicPartition, Long> checkpoints() throws IOException {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(appDir, 2)) {
      all.filter(p -> p.getFileName().toString().equals(CHECKPOINT)).forEach(files::add);
    }
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 3) {
          offsets.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
        }
      }
    }
    return offsets;
  }
}
