package dev.crashwatch.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Every committed record of a topic, from its beginning to its end as of the call: for a job that
 * reads a finished output once. Partitions are assigned, not subscribed: no consumer group, nothing
 * committed, so a principal needs only Read on the topic. The catalogue client and the backtest
 * both read this way.
 */
public final class CommittedTopicReader {

  private CommittedTopicReader() {}

  /** {@link #readAll(Map, String, Deserializer, Deserializer, Duration)} with the keys as bytes. */
  public static <V> List<ConsumerRecord<byte[], V>> readAll(
      Map<String, Object> kafka, String topic, Deserializer<V> values, Duration timeout) {
    return readAll(kafka, topic, new ByteArrayDeserializer(), values, timeout);
  }

  /**
   * @param kafka bootstrap servers and security settings of the reader
   * @param values how to read the values; a value that fails to read stops the read with the topic,
   *     partition and offset (the job's own outputs are written by its own processor)
   */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(
      Map<String, Object> kafka,
      String topic,
      Deserializer<K> keys,
      Deserializer<V> values,
      Duration timeout) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // read_committed: the end is the last stable offset, past every committed transaction
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out after " + timeout + " reading " + topic + " to its end " + ends);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
