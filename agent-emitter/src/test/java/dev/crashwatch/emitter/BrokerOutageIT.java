package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.localstack.LocalKafka;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The real broker is not there while the emitter emits, then comes up where the emitter has been
 * trying to reach it: every event arrives, and exactly once after de-duplication by event id. The
 * registry is the real one of {@link LocalStack#shared()}.
 */
class BrokerOutageIT {

  private static final int BEFORE = 300;
  private static final int AFTER = 200;

  @Test
  void eventsEmittedWhileTheBrokerIsDownAllArriveOnceItIsUp() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "outage-" + run;
    Topics topics = TestEvents.topics(prefix);
    int port = FreePort.pick();
    Path work = Files.createDirectories(Path.of("target", "outage-" + run));
    String registry = LocalStack.shared().schemaRegistryUrl();
    Map<String, SpecificRecord> emitted = new LinkedHashMap<>();
    long maxPending;
    try (SpoolingEmitter emitter =
        new SpoolingEmitter(
            work.resolve("spool"),
            SpoolConfig.defaults(),
            "127.0.0.1:" + port,
            EventSerdes.connect(registry),
            topics)) {
      for (int n = 0; n < BEFORE; n++) {
        TestEvents.emit(emitter, prefix, n, emitted);
      }
      // Nothing can be delivered: there is no broker.
      assertThat(emitter.delivered()).isZero();
      maxPending = emitter.pending();
      assertThat(maxPending).isEqualTo(BEFORE);

      try (LocalKafka broker = LocalKafka.start(work.resolve("kafka"), Map.of(), port)) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
          admin
              .createTopics(
                  topics.inputs().stream().map(t -> new NewTopic(t, 3, (short) 1)).toList())
              .all()
              .get();
        }
        for (int n = BEFORE; n < BEFORE + AFTER; n++) {
          TestEvents.emit(emitter, prefix, n, emitted);
        }
        await("spool drained").atMost(Duration.ofSeconds(90)).until(() -> emitter.pending() == 0);

        List<TopicContents.Delivered> delivered =
            TopicContents.readAll(broker.bootstrapServers(), registry, topics);
        ExactlyOnce.Figures figures =
            ExactlyOnce.assertExactlyOnceAfterDedup(emitted, delivered, topics);
        assertThat(figures.distinct()).isEqualTo(BEFORE + AFTER);
        System.out.printf(
            "outage figures: emitted %d, spooled while down %d, delivered %d records (%d distinct),"
                + " lost %d%n",
            emitted.size(),
            maxPending,
            figures.records(),
            figures.distinct(),
            emitted.size() - figures.distinct());
      }
    }
  }
}
