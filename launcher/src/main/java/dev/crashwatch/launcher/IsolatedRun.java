package dev.crashwatch.launcher;

import dev.crashwatch.config.Settings;
import dev.crashwatch.processor.metrics.TopicEnds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What keeps a {@code simulate} run on your cluster apart from every earlier one. Run twice with
 * the default application id and Kafka's default state directory, the second run of the reference
 * scenario reused the first's local RocksDB state and counted 139,852 exposed devices on a
 * 100,000-device fleet. So each run has its own application id (the configured one with a run
 * suffix: same ACL prefix), its own fresh state directory (deleted after), and starts reading the
 * input topics at their current ends, so the telemetry of earlier runs is not counted again.
 */
final class IsolatedRun {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private IsolatedRun() {}

  /** The configured application id with a suffix of this run's own. */
  static String applicationId(Settings settings) {
    return settings.getString("application.id")
        + "-simulate-"
        + STAMP.format(Instant.now())
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A fresh local state directory for this run. */
  static Path stateDir() {
    try {
      return Files.createTempDirectory("crashwatch-simulate-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory for the run", e);
    }
  }

  /** Commits the current end of every input partition as the application's starting point. */
  static void startAtTheEnds(Admin admin, String applicationId, List<String> inputs)
      throws InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      TopicEnds.of(admin, inputs, ADMIN_TIMEOUT)
          .forEach((tp, end) -> start.put(tp, new OffsetAndMetadata(end)));
      admin
          .alterConsumerGroupOffsets(applicationId, start)
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot set the run's starting offsets on " + inputs + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the run's state directory. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
