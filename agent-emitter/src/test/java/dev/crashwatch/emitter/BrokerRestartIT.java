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
import org.junit.jupiter.api.Timeout;

/**
 * The broker the emitter delivers to goes down and comes back: the same broker, on the same port
 * and data directory, with what it already had. Events emitted while it is down wait in the spool
 * and arrive after the restart; every event arrives, exactly once after de-duplication by event id.
 * The broker is this test's own (the shared one must not go down under other tests); the registry
 * is the real one of {@link LocalStack#shared()}.
 */
class BrokerRestartIT {

  private static final int BEFORE = 300;
  private static final int DURING = 200;
  // The emitter's own delivery timeout (two minutes) would make the outage that outlasts it, and
  // this test, two minutes long; the give-up-and-resend path is the same at 15 s.
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration OUTAGE = DELIVERY_TIMEOUT.plusSeconds(2);

  @Test
  @Timeout(180)
  void eventsEmittedWhileTheBrokerRestartsAllArriveOnceAfterDedup() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("restart-" + run);
    String prefix = "restart-" + run;
    Path work = Files.createDirectories(Path.of("target", "broker-restart-" + run));
    String registry = LocalStack.shared().schemaRegistryUrl();
    long started = System.nanoTime(); // after the shared stack, which is started once per JVM
    Map<String, SpecificRecord> emitted = new LinkedHashMap<>();

    try (LocalKafka broker = LocalKafka.start(work.resolve("kafka"), Map.of(), FreePort.pick());
        SpoolingEmitter emitter =
            new SpoolingEmitter(
                work.resolve("spool"),
                SpoolConfig.defaults(),
                broker.bootstrapServers(),
                EventSerdes.connect(registry),
                topics,
                Map.of(),
                DELIVERY_TIMEOUT)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin
            .createTopics(topics.inputs().stream().map(t -> new NewTopic(t, 3, (short) 1)).toList())
            .all()
            .get();
      }

      for (int n = 0; n < BEFORE; n++) {
        TestEvents.emit(emitter, prefix, n, emitted);
      }
      await("events emitted while the broker is up delivered")
          .atMost(Duration.ofSeconds(60))
          .until(() -> emitter.pending() == 0);
      long deliveredBeforeStop = emitter.delivered();
      assertThat(deliveredBeforeStop).isGreaterThanOrEqualTo(BEFORE);

      broker.stop();
      for (int n = BEFORE; n < BEFORE + DURING; n++) {
        TestEvents.emit(emitter, prefix, n, emitted);
      }
      // The sender keeps trying all along; nothing it tries may count as delivered, and nothing
      // may leave the spool, for as long as the broker is down. The outage outlasts the producer's
      // delivery timeout, as real ones do, so the sender's give-up-and-resend path runs too.
      await("events emitted while the broker is down stay in the spool")
          .during(OUTAGE)
          .atMost(OUTAGE.plusSeconds(10))
          .until(() -> emitter.pending() == DURING && emitter.delivered() == deliveredBeforeStop);
      long spooledWhileDown = emitter.pending();

      broker.restart();
      await("spool drained after the restart")
          .atMost(Duration.ofSeconds(90))
          .until(() -> emitter.pending() == 0);

      List<TopicContents.Delivered> delivered =
          TopicContents.readAll(broker.bootstrapServers(), registry, topics);
      // The records delivered before the stop are still there: the broker kept its data.
      ExactlyOnce.Figures figures =
          ExactlyOnce.assertExactlyOnceAfterDedup(emitted, delivered, topics);
      assertThat(figures.distinct()).isEqualTo(BEFORE + DURING);
      System.out.printf(
          "broker restart figures: emitted %d (%d before the stop, %d while down), spooled during"
              + " the %d s outage %d, delivered %d records, %d distinct, %d repeats dropped by de-dup,"
              + " lost %d, in %.1f s%n",
          emitted.size(),
          BEFORE,
          DURING,
          OUTAGE.toSeconds(),
          spooledWhileDown,
          figures.records(),
          figures.distinct(),
          figures.repeats(),
          emitted.size() - figures.distinct(),
          (System.nanoTime() - started) / 1e9);
    }
  }
}
