package dev.crashwatch.serde;

import dev.crashwatch.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing to and consuming from the shared local broker, for the integration tests. */
final class TopicIo {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicIo() {}

  static LocalStack stack() {
    return LocalStack.shared();
  }

  /** A fresh single-partition topic, so that tests never see each other's records. */
  static String newTopic(String prefix) {
    String topic = prefix + "-" + UUID.randomUUID();
    stack().createTopics(1, topic);
    return topic;
  }

  /** Without keys: Confluent's AvroConsumer would try to decode a key as Avro too. */
  static <V> void produce(String topic, Serializer<V> values, List<V> records) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack().bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
      for (V v : records) {
        producer.send(new ProducerRecord<>(topic, null, v));
      }
      producer.flush();
    }
  }

  static void produceRaw(String topic, List<byte[]> payloads) {
    produce(topic, new ByteArraySerializer(), payloads);
  }

  /** Producer config with our serializer named by class, the way an application configures it. */
  static Map<String, Object> producerConfig(Map<String, Object> serde) {
    var config = new HashMap<String, Object>(serde);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
    return config;
  }

  /** Consumer config with our deserializer named by class, and a fresh group. */
  static Map<String, Object> consumerConfig(Map<String, Object> serde) {
    var config = new HashMap<String, Object>(serde);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack().bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class);
    return config;
  }

  /** Reads {@code count} values from the start of {@code topic}, failing after {@link #TIMEOUT}. */
  static <V> List<V> consume(KafkaConsumer<String, V> consumer, String topic, int count) {
    consumer.subscribe(List.of(topic));
    List<V> values = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (values.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "read " + values.size() + " of " + count + " records from " + topic + " in " + TIMEOUT);
      }
      for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
        values.add(r.value());
      }
    }
    return values;
  }

  static <V> List<V> consume(String topic, Deserializer<V> values, int count) {
    try (var consumer =
        new KafkaConsumer<>(consumerConfig(Map.of()), new StringDeserializer(), values)) {
      return consume(consumer, topic, count);
    }
  }

  static List<byte[]> consumeRaw(String topic, int count) {
    return consume(topic, new ByteArrayDeserializer(), count);
  }
}
