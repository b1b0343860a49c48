package dev.crashwatch.emitter;

import static org.awaitility.Awaitility.await;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a broker holds on the emitter's three input topics, read back as a consumer sees it: every
 * record from the start of each partition to its end offset at the time of reading (duplicates
 * included, nothing de-duplicated), with the schema id of its wire-format header and the event the
 * registry's deserializer makes of it.
 */
final class TopicContents {

  /** One record as it is on the broker. */
  record Delivered(String topic, int partition, long offset, int schemaId, SpecificRecord event) {
    String eventId() {
      return TestEvents.eventId(event);
    }
  }

  private TopicContents() {}

  /** Every record on {@code topics.inputs()}, decoded through the registry at {@code registry}. */
  static List<Delivered> readAll(String bootstrap, String registry, Topics topics) {
    EventSerdes serdes = EventSerdes.connect(registry);
    Map<String, Deserializer<? extends SpecificRecord>> decoders =
        Map.of(
            topics.boots(), serdes.value(Boot.class).deserializer(),
            topics.crashes(), serdes.value(Crash.class).deserializer(),
            topics.heartbeats(), serdes.value(SensorHeartbeat.class).deserializer());
    // No group: assigned partitions, read from the beginning to a fixed end, nothing committed.
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics.inputs()) {
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .forEach(partitions::add);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<Delivered> records = new ArrayList<>();
      await("every record up to the end offsets " + end + " read")
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread() // a consumer belongs to one thread
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r ->
                            records.add(
                                new Delivered(
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    WireFormat.schemaId(r.value(), r.topic()),
                                    decoders.get(r.topic()).deserialize(r.topic(), r.value()))));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
      return records;
    }
  }

  /** How many records the input topics hold, by their end offsets: zero before any delivery. */
  static long count(String bootstrap, Topics topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<TopicPartition> partitions = new ArrayList<>();
      admin
          .describeTopics(topics.inputs())
          .allTopicNames()
          .get()
          .values()
          .forEach(
              d ->
                  d.partitions()
                      .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(info -> info.offset())
          .sum();
    }
  }
}
