package dev.crashwatch.bench;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The ceiling the processor is measured against: a plain consumer that reads every input record
 * from offset zero and decodes it with the project's own deserializer (the registry wire format and
 * Avro), and nothing else. No group, no commits, no state.
 */
final class CeilingConsumer {

  private CeilingConsumer() {}

  /** Records per second, and the CPU time of the reading thread (its network I/O included). */
  record Reading(double recordsPerSecond, long cpuNanos) {}

  /** Reads all {@code expected} records. */
  static Reading read(String bootstrapServers, EventSerdes serdes, Topics topics, long expected) {
    Map<String, Deserializer<?>> decoders =
        Map.of(
            topics.boots(), serdes.value(Boot.class).deserializer(),
            topics.crashes(), serdes.value(Crash.class).deserializer(),
            topics.heartbeats(), serdes.value(SensorHeartbeat.class).deserializer());
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            2_000);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long read = 0;
    long undecodable = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          topics.inputs().stream()
              .flatMap(
                  t ->
                      consumer.partitionsFor(t).stream()
                          .map(p -> new TopicPartition(t, p.partition())))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (read < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "ceiling consumer read " + read + " of " + expected + " records in 10 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            decoders.get(r.topic()).deserialize(r.topic(), r.value());
          } catch (RuntimeException malformed) {
            // the scenario's malformed share: decoding them is the work, failing is its outcome
            undecodable++;
          }
          read++;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    if (undecodable == read) {
      throw new IllegalStateException("the ceiling consumer could decode none of the records");
    }
    return new Reading(read / seconds, cpu);
  }
}
