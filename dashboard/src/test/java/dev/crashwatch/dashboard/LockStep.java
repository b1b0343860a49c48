package dev.crashwatch.dashboard;

import static org.awaitility.Awaitility.await;

import dev.crashwatch.simulator.PipelineFeedback;
import dev.crashwatch.simulator.report.ObservedSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The simulator's wait on the processor at every simulated step, so that the replay sees the data
 * in the order a live run would (replayed flat out, the detector's first look can come after a
 * fault has already grown to ROLLBACK): the processor's group has committed every record of the
 * given topics (its inputs and its repartitions). The launcher's lock-step does the same for {@code
 * simulate}; this module cannot depend on the launcher, which depends on it.
 */
final class LockStep implements PipelineFeedback, AutoCloseable {

  private final Admin admin;
  private final String groupId;
  private final List<TopicPartition> partitions;

  /**
   * @param topics one-partition topics the group reads
   */
  LockStep(String bootstrapServers, String groupId, List<String> topics) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    this.groupId = groupId;
    this.partitions = topics.stream().map(t -> new TopicPartition(t, 0)).toList();
  }

  @Override
  public List<ObservedSignal> awaitProcessed(Instant reached) {
    await("the processor at " + reached)
        .atMost(Duration.ofMinutes(2))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> lag() == 0);
    return List.of(); // no rollout controller in this run: nothing acts on the signals
  }

  /**
   * Records not committed by the group. Committed offsets are read before the end offsets, so a
   * transaction committing between the two reads shows as lag, never as caught up.
   */
  private long lag() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      lag += end.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close();
  }
}
