package dev.crashwatch.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind the end of its input topics: the demo waits on this, because
 * "the processor has seen everything" is a fact about committed offsets, not about time.
 */
final class ConsumerLag {

  private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

  private final String bootstrapServers;
  private final String groupId;
  private final List<String> topics;
  private String lastDetail = "";

  ConsumerLag(String bootstrapServers, String groupId, List<String> topics) {
    this.bootstrapServers = bootstrapServers;
    this.groupId = groupId;
    this.topics = topics;
  }

  /** Records not yet committed by the group, over all partitions of the topics. */
  long lag(Admin admin) throws Exception {
    Set<TopicPartition> partitions =
        admin.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(
                d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
            .collect(Collectors.toSet());
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    StringBuilder detail = new StringBuilder();
    for (TopicPartition p : partitions) {
      OffsetAndMetadata c = committed.get(p);
      long behind = ends.get(p).offset() - (c == null ? 0 : c.offset());
      lag += behind;
      if (behind > 0) {
        detail.append(' ').append(p).append('=').append(behind);
      }
    }
    lastDetail = detail.toString();
    return lag;
  }

  /** The end offset of each partition of {@code topic}. */
  static Map<TopicPartition, Long> endOffsets(String bootstrapServers, String topic)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    }
  }

  /** Waits until the group has committed everything, reporting the lag every few seconds. */
  void awaitCaughtUp(Duration timeout, Consumer<String> report) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long nextReport = 0;
      long reported = -1;
      long lag;
      while ((lag = lag(admin)) > 0) {
        if (System.nanoTime() > nextReport) {
          // Per-partition detail only when nothing moved since the last report: that is a stall.
          report.accept(
              String.format(
                  "processor is %,d records behind%s",
                  lag, lag == reported ? " (no progress:" + lastDetail + ")" : ""));
          reported = lag;
          nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "processor still " + lag + " records behind after " + timeout);
        }
        Thread.sleep(200);
      }
      report.accept("processor has consumed every record");
    }
  }
}
