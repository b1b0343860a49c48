package dev.crashwatch.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind the end of its input topics: the demo waits on this, because
 * "the processor has seen everything" is a fact about committed offsets, not about time.
 */
final class ConsumerLag {

  private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

  private final Map<String, Object> kafka;
  private final String groupId;
  private final List<String> topics;
  private static final long STEP_POLL_MS = 10;

  private String lastDetail = "";
  private Set<TopicPartition> partitions;

  /**
   * @param kafka bootstrap servers and security settings of a principal that may describe the group
   *     and the topics
   */
  ConsumerLag(Map<String, Object> kafka, String groupId, List<String> topics) {
    this.kafka = kafka;
    this.groupId = groupId;
    this.topics = topics;
  }

  /**
   * Records not yet committed by the group, over all partitions of the topics. The committed
   * offsets are read before the end offsets: a transaction that commits between the two reads then
   * shows as lag (its output is beyond the ends' old values only if the ends were read first), so
   * zero means that everything written by the time of the second read was processed.
   */
  long lag(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions(admin).forEach(p -> latest.put(p, OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get();
    long lag = 0;
    StringBuilder detail = new StringBuilder();
    for (TopicPartition p : latest.keySet()) {
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

  private Set<TopicPartition> partitions(Admin admin) throws Exception {
    if (partitions == null) {
      partitions =
          admin.describeTopics(topics).allTopicNames().get().values().stream()
              .flatMap(
                  d ->
                      d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
              .collect(Collectors.toUnmodifiableSet());
    }
    return partitions;
  }

  /** The end offset of each partition of {@code topic}, through an open admin client. */
  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
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

  /** Waits until the group has committed everything, reporting the lag every few seconds. */
  void awaitCaughtUp(Duration timeout, Consumer<String> report) throws Exception {
    try (Admin admin = Admin.create(kafka)) {
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

  /**
   * Waits, polling briefly, until the group has committed everything: the lock-step wait of a
   * simulation, called once per simulated step, so it stays quiet and quick.
   */
  void awaitCaughtUp(Admin admin, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lag;
    while ((lag = lag(admin)) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "processor still " + lag + " records behind after " + timeout + ":" + lastDetail);
      }
      Thread.sleep(STEP_POLL_MS);
    }
  }
}
