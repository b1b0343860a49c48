package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.schema.EventSerdes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a dead-letter topic to the end and counts its records by reason, with one example each. */
final class DeadLetterSummary {

  private DeadLetterSummary() {}

  /** Reason, count, and the first record's source and detail. */
  record Reason(long count, String example) {
    @Override
    public String toString() {
      return count + " (e.g. " + example + ")";
    }
  }

  static Map<String, Reason> countByReason(
      Map<String, Object> kafka, EventSerdes serdes, String topic) {
    // Read as the SOC on a secured cluster: its groups start with AccessPlan.SOC_GROUPS.
    Map<String, Object> config = new java.util.HashMap<>(kafka);
    config.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        AccessPlan.SOC_GROUPS + "crashwatch-dead-letter-summary-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Reason> counts = new TreeMap<>();
    try (KafkaConsumer<byte[], DeadLetter> consumer =
        new KafkaConsumer<>(
            config, new ByteArrayDeserializer(), serdes.value(DeadLetter.class).deserializer())) {
      consumer.subscribe(java.util.List.of(topic));
      long quietSince = System.nanoTime();
      // The topic is complete (the processor has committed everything): read until a poll is empty
      // after the assignment, with a bound.
      while (System.nanoTime() - quietSince < Duration.ofSeconds(3).toNanos()) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], DeadLetter> r : records) {
          DeadLetter d = r.value();
          String example =
              d.getSourceTopic()
                  + "-"
                  + d.getSourcePartition()
                  + "@"
                  + d.getSourceOffset()
                  + ": "
                  + d.getDetail();
          counts.merge(
              d.getReason(),
              new Reason(1, example),
              (a, b) -> new Reason(a.count() + 1, a.example()));
        }
        if (!records.isEmpty()) {
          quietSince = System.nanoTime();
        }
      }
    }
    return counts;
  }
}
