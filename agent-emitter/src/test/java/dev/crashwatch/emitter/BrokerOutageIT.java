package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.localstack.LocalKafka;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
    Topics topics =
        new Topics(
            "boots-" + run,
            "crashes-" + run,
            "heartbeats-" + run,
            "signals-" + run,
            "alerts-" + run,
            "vendor-health-" + run + ".",
            "dead-" + run);
    int port = freePort();
    Path work = Files.createDirectories(Path.of("target", "outage-" + run));
    EventSerdes serdes = EventSerdes.connect(LocalStack.shared().schemaRegistryUrl());
    List<String> emitted = new ArrayList<>();
    long maxPending;
    try (SpoolingEmitter emitter =
        new SpoolingEmitter(
            work.resolve("spool"), SpoolConfig.defaults(), "127.0.0.1:" + port, serdes, topics)) {
      for (int i = 0; i < BEFORE; i++) {
        emitted.add(emit(emitter, i));
      }
      // Nothing can be delivered: there is no broker.
      assertThat(emitter.delivered()).isZero();
      maxPending = emitter.pending();
      assertThat(maxPending).isEqualTo(BEFORE);

      try (LocalKafka broker = LocalKafka.start(work.resolve("kafka"), Map.of(), port)) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
          admin.createTopics(List.of(new NewTopic(topics.heartbeats(), 3, (short) 1))).all().get();
        }
        for (int i = BEFORE; i < BEFORE + AFTER; i++) {
          emitted.add(emit(emitter, i));
        }
        await("spool drained").atMost(Duration.ofSeconds(90)).until(() -> emitter.pending() == 0);

        List<String> received =
            readIds(broker.bootstrapServers(), topics.heartbeats(), emitted.size());
        Set<String> distinct = new HashSet<>(received);
        assertThat(distinct).containsExactlyInAnyOrderElementsOf(emitted);
        System.out.printf(
            "outage figures: emitted %d, spooled while down %d, delivered %d records (%d distinct), lost %d%n",
            emitted.size(),
            maxPending,
            received.size(),
            distinct.size(),
            emitted.size() - distinct.size());
      }
    }
  }

  private static String emit(SpoolingEmitter emitter, int i) {
    String id = UUID.randomUUID().toString();
    emitter.send(
        SensorHeartbeat.newBuilder()
            .setEventId(id)
            .setDeviceId("dev-" + (i % 50))
            .setTenantId("t")
            .setRing("canary")
            .setVendor("acme")
            .setProduct("acme.sensor")
            .setAgentVersion("7.11")
            .setMode(SensorMode.KERNEL)
            .setHealth(SensorHealth.OK)
            .setTime(Instant.parse("2024-07-19T03:30:00Z").plusSeconds(i))
            .setComponents(Map.of("acme.sensor", "7.11"))
            .build());
    return id;
  }

  private static List<String> readIds(String bootstrap, String topic, int atLeast) {
    EventSerdes serdes = EventSerdes.connect(LocalStack.shared().schemaRegistryUrl());
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<String, SensorHeartbeat> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "outage-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            serdes.value(SensorHeartbeat.class).deserializer())) {
      consumer.subscribe(List.of(topic));
      await("all events read")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.value().getEventId()));
                return ids.size() >= atLeast;
              });
      // Anything sent twice by a retried batch is there too: read what is left.
      consumer.poll(Duration.ofSeconds(1)).forEach(r -> ids.add(r.value().getEventId()));
    }
    return ids;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
