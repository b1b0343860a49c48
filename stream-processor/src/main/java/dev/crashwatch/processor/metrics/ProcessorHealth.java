package dev.crashwatch.processor.metrics;

import dev.crashwatch.config.Setting;
import dev.crashwatch.observability.Health;
import dev.crashwatch.serde.SerdeError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness of the stream processor.
 *
 * <ul>
 *   <li>Live: Kafka Streams has not failed (its state is not ERROR or PENDING_ERROR) and has not
 *       stopped. A failed processor should be restarted.
 *   <li>Ready: Kafka Streams is RUNNING and the application's committed offsets are at most {@code
 *       health.ready.max.lag} records behind the end of its input topics, summed over partitions.
 *       With exactly-once a task commits every 100 ms, so a processor that keeps up stays far below
 *       the default bound; one that replays a backlog or rebalances is not ready. Nor is one whose
 *       decoders wait for the schema registry ({@link RegistryOutage}): the reason (unreachable, or
 *       credentials refused) is the readiness detail.
 * </ul>
 *
 * Lag is read through the admin client at most once per {@link #LAG_CACHE}, so probes cost the
 * cluster little.
 */
public final class ProcessorHealth {

  public static final Setting MAX_LAG_SETTING =
      new Setting(
          "health.ready.max.lag",
          "10000",
          "Readiness bound: the processor is ready when RUNNING and at most this many input"
              + " records behind its committed offsets (summed over partitions).");

  static final Duration LAG_CACHE = Duration.ofSeconds(1);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaStreams streams;
  private final Admin admin;
  private final String groupId;
  private final List<String> inputs;
  private final long maxLag;
  private final RegistryOutage registryOutage;
  private long lag = -1;
  private long lagReadAt;

  public ProcessorHealth(
      KafkaStreams streams,
      Admin admin,
      String groupId,
      List<String> inputs,
      long maxLag,
      RegistryOutage registryOutage) {
    this.streams = streams;
    this.registryOutage = registryOutage;
    this.admin = admin;
    this.groupId = groupId;
    this.inputs = List.copyOf(inputs);
    this.maxLag = maxLag;
  }

  public Health live() {
    KafkaStreams.State state = streams.state();
    return switch (state) {
      case ERROR, PENDING_ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> Health.down("streams " + state);
      default -> Health.up("streams " + state);
    };
  }

  public Health ready() throws Exception {
    // the registry first: a stream thread that waits for it right after a rebalance never gets to
    // report RUNNING, and "streams REBALANCING" would hide why
    Optional<RegistryOutage.Problem> registry = registryOutage.problem();
    if (registry.isPresent()) {
      RegistryOutage.Problem p = registry.get();
      return Health.down(
          (p.error() == SerdeError.REGISTRY_UNAUTHORIZED
                  ? "schema registry refuses the processor's credentials"
                  : "schema registry unreachable")
              + " since "
              + p.since()
              + "; processing waits: "
              + p.message());
    }
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return Health.down("streams " + state);
    }
    long behind = inputLag();
    String detail =
        String.format("streams RUNNING, %,d input records behind (bound %,d)", behind, maxLag);
    return behind <= maxLag ? Health.up(detail) : Health.down(detail);
  }

  /** Records on the inputs not yet committed by the application, over all partitions. */
  public synchronized long inputLag() throws Exception {
    if (lag >= 0 && System.nanoTime() - lagReadAt < LAG_CACHE.toNanos()) {
      return lag;
    }
    // Committed offsets first, ends second: a commit between the two reads shows as lag, never
    // the other way round.
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata()
            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long total = 0;
    for (var end : TopicEnds.of(admin, inputs, ADMIN_TIMEOUT).entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      total += Math.max(0, end.getValue() - (c == null ? 0 : c.offset()));
    }
    lag = total;
    lagReadAt = System.nanoTime();
    return total;
  }
}
