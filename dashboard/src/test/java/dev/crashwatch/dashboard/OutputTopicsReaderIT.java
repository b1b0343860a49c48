package dev.crashwatch.dashboard;

import static dev.crashwatch.dashboard.Outputs.deadLetter;
import static dev.crashwatch.dashboard.Outputs.health;
import static dev.crashwatch.dashboard.Outputs.signal;
import static dev.crashwatch.events.SignalAction.HALT;
import static dev.crashwatch.events.SignalAction.ROLLBACK;
import static dev.crashwatch.events.SignalAction.WATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Settings;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.AvroSerializer;
import dev.crashwatch.serde.SerdeConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The reader on the real broker and registry: it finds a topic created after it started, reads
 * committed records only (a transaction the producer aborted never reaches the view), and counts a
 * record it cannot decode without losing the ones after it.
 */
class OutputTopicsReaderIT {

  private final LocalStack stack = LocalStack.shared();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void readsCommittedRecordsOfTopicsCreatedLaterAndCountsWhatItCannotDecode() throws Exception {
    Settings settings =
        Settings.load(DashboardSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", stack.bootstrapServers(), "test")
            .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
            .with("topic.rollback.signals", "rollback-signals-" + run, "test")
            .with("topic.spike.alerts", "spike-alerts-" + run, "test")
            .with("topic.version.health", "version-health-" + run, "test")
            .with("topic.dead.letters", "dead-letters-" + run, "test");
    Topics topics = Topics.from(settings);
    stack.createTopics(1, topics.rollbackSignals());
    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    DashboardView view = new DashboardView(10);
    try (OutputTopicsReader reader =
        new OutputTopicsReader(
            OutputConsumerConfig.of(settings, "reader-it"), serdes, topics, view)) {
      reader.start();
      await("the signals topic found")
          .atMost(Duration.ofSeconds(30))
          .until(() -> reader.topicsFound().contains(topics.rollbackSignals()));

      try (KafkaProducer<String, Object> producer = transactional(serdes)) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(record(topics.rollbackSignals(), signal("acme.x", "1", ROLLBACK, null, 1)));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(record(topics.rollbackSignals(), signal("acme.x", "1", WATCH, null, 2)));
        producer.commitTransaction();
      }
      try (KafkaProducer<byte[], byte[]> raw =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        raw.send(new ProducerRecord<>(topics.rollbackSignals(), new byte[] {9, 9, 9})).get();
      }
      // Topics created after the reader started: found at its next look.
      stack.createTopics(1, topics.versionHealth(), topics.deadLetters());
      try (KafkaProducer<String, Object> producer = plain(serdes)) {
        producer.send(record(topics.rollbackSignals(), signal("acme.x", "1", HALT, WATCH, 3)));
        producer.send(record(topics.versionHealth(), health("acme.x", "1", 3, 0.4)));
        producer.send(record(topics.deadLetters(), deadLetter("TRUNCATED")));
      }

      await("the view fed from every topic")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(view.signalLog())
                    .extracting(SignalEntry::action)
                    .containsExactly("HALT", "WATCH");
                assertThat(view.unreadable()).isEqualTo(Map.of(topics.rollbackSignals(), 1L));
                assertThat(view.detail("acme.x@1").series()).hasSize(1);
                assertThat(view.deadLetters()).isEqualTo(Map.of("TRUNCATED", 1L));
              });
      assertThat(reader.failure()).isNull();
    }
  }

  private static ProducerRecord<String, Object> record(String topic, Object value) {
    return new ProducerRecord<>(topic, "key", value);
  }

  private KafkaProducer<String, Object> plain(EventSerdes serdes) {
    return producer(serdes, Map.of());
  }

  private KafkaProducer<String, Object> transactional(EventSerdes serdes) {
    return producer(serdes, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reader-it-" + run));
  }

  /** Any of the output records, in the wire format, as the processor writes them. */
  private KafkaProducer<String, Object> producer(EventSerdes serdes, Map<String, Object> extra) {
    AvroSerializer<Object> values = new AvroSerializer<>(serdes.registry());
    values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl()), false);
    Map<String, Object> config = new java.util.HashMap<>(extra);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }
}
