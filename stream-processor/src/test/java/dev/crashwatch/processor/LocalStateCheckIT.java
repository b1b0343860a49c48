package dev.crashwatch.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.localstack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local state left by another run is noticed on the real broker of {@link LocalStack#shared()}:
 * state marked with another cluster's id, and a checkpoint past the end of its changelog (the topic
 * was recreated) or of a changelog that no longer exists, are stale; state this cluster wrote, at
 * or before the changelog's end, is kept.
 */
class LocalStateCheckIT {

  private static final LocalStack stack = LocalStack.shared();
  private static Admin admin;
  private static String changelog;

  @TempDir Path appDir;

  @BeforeAll
  static void changelogWithThreeRecords() throws Exception {
    admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
    changelog = "local-state-check-" + UUID.randomUUID() + "-device-state-changelog";
    admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1))).all().get();
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(changelog, new byte[] {(byte) i})).get();
      }
    }
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  @Test
  void stateMarkedWithThisClusterAndCheckpointedWithinItsChangelogIsKept() throws Exception {
    LocalStateCheck check = new LocalStateCheck(admin, appDir);
    check.markUsed();
    checkpoint(changelog, 3);

    assertThat(check.staleBecause()).isEmpty();
  }

  @Test
  void stateWrittenOnAnotherClusterIsStale() throws Exception {
    Files.writeString(appDir.resolve(LocalStateCheck.MARKER), "another-cluster\n");
    checkpoint(changelog, 3);
    String thisCluster = admin.describeCluster().clusterId().get();

    assertThat(new LocalStateCheck(admin, appDir).staleBecause())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("written on cluster another-cluster")
                    .contains("this is cluster " + thisCluster));
  }

  @Test
  void aCheckpointPastTheChangelogsEndIsStale() throws Exception {
    LocalStateCheck check = new LocalStateCheck(admin, appDir);
    check.markUsed();
    // the checkpoint of a run on the topic before it was deleted and recreated with 3 records
    checkpoint(changelog, 40_000);

    assertThat(check.staleBecause())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("offset 40000")
                    .contains("ends at 3")
                    .contains("recreated"));
  }

  @Test
  void aCheckpointOfAChangelogThatNoLongerExistsIsStale() throws Exception {
    LocalStateCheck check = new LocalStateCheck(admin, appDir);
    check.markUsed();
    String gone = "local-state-check-" + UUID.randomUUID() + "-gone-changelog";
    checkpoint(gone, 5);

    assertThat(check.staleBecause())
        .hasValueSatisfying(why -> assertThat(why).contains(gone).contains("no longer exists"));
  }

  @Test
  void noStateDirectoryIsNothingToCheck() throws Exception {
    assertThat(new LocalStateCheck(admin, appDir.resolve("never-ran")).staleBecause()).isEmpty();
  }

  /** A task directory's checkpoint file, as Kafka Streams writes it (version, count, entries). */
  private void checkpoint(String topic, long offset) throws Exception {
    Path task = Files.createDirectories(appDir.resolve("0_0"));
    Files.writeString(
        task.resolve(".checkpoint"),
        "0\n1\n" + topic + " 0 " + offset + "\n",
        StandardCharsets.UTF_8);
  }
}
