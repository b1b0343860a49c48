package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.config.Setting;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lock-step step leaves as one produce request: typed events and raw bytes, on every partition of
 * the three input topics, with one partition holding more than the simulator's usual batch (which,
 * full, would have been sent before the step's flush), against the real broker of {@link
 * LocalStack#shared()}.
 */
class WholeStepsIT {

  private static final int PARTITIONS = 6;
  private static final int DEVICES = 300;

  private static LocalStack stack;
  private static EventSerdes serdes;

  @BeforeAll
  static void start() {
    stack = LocalStack.shared();
    serdes = EventSerdes.connect(stack.schemaRegistryUrl());
  }

  private static Topics topics(String run) {
    Settings names = Settings.defaults(Topics.SETTINGS);
    for (Map.Entry<Setting, String> topic : Topics.ofRun(run).entrySet()) {
      names = names.with(topic.getKey().key(), topic.getValue(), "test");
    }
    Topics topics = Topics.from(names);
    stack.createTopics(PARTITIONS, topics.boots(), topics.crashes(), topics.heartbeats());
    return topics;
  }

  @Test
  void aStepOnEveryPartitionWithOneLargePartitionLeavesAsOneRequest() {
    Topics topics = topics("whole-steps-" + UUID.randomUUID());
    try (TelemetryEmitter emitter =
        WholeSteps.emitter(stack.bootstrapServers(), serdes, topics, Map.of())) {
      long time = Instant.parse("2024-07-19T04:00:00Z").toEpochMilli();
      // the first step also learns the topics' metadata and registers the schema
      step(emitter, topics, time, 0);
      double before = requests(emitter);

      int large = step(emitter, topics, time + 60_000, 320 * 1024);

      assertThat(large).isGreaterThan(256 * 1024);
      assertThat(requests(emitter) - before)
          .as("produce requests of the second step")
          .isEqualTo(1.0);
      assertThat(emitter.acknowledged()).isEqualTo(emitter.sent());
    }
  }

  @Test
  void theSettingsKeepTheProducersOwnLimitsConsistent() {
    ProducerConfig config =
        new ProducerConfig(
            WholeSteps.producer(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                        "org.apache.kafka.common.serialization.ByteArraySerializer",
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                        "org.apache.kafka.common.serialization.ByteArraySerializer")));
    // a step waits for its flush, never for a delivery timeout that Kafka would raise with a
    // warning; a batch fits the broker's default limit; every input partition's batch fits a
    // request
    assertThat(config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isGreaterThanOrEqualTo(
            (int) WholeSteps.LINGER_MS + config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    assertThat(WholeSteps.BATCH_BYTES).isLessThan(1024 * 1024);
    assertThat(WholeSteps.REQUEST_BYTES)
        .isGreaterThanOrEqualTo(3 * PARTITIONS * WholeSteps.BATCH_BYTES);
    assertThat(WholeSteps.BUFFER_BYTES).isGreaterThanOrEqualTo(WholeSteps.REQUEST_BYTES);
  }

  /**
   * One step: a boot of each device, raw crash and heartbeat records of each, and {@code extra}
   * bytes of raw records on one partition; flushed. Returns the bytes sent to that partition.
   */
  private static int step(TelemetryEmitter emitter, Topics topics, long time, int extra) {
    for (int i = 0; i < DEVICES; i++) {
      String device = "device-" + i;
      byte[] key = device.getBytes(StandardCharsets.UTF_8);
      emitter.send(topics.boots(), device, boot(device, time + i), time + i);
      emitter.sendRaw(topics.crashes(), key, ("crash " + i).getBytes(StandardCharsets.UTF_8), time);
      emitter.sendRaw(
          topics.heartbeats(), key, ("beat " + i).getBytes(StandardCharsets.UTF_8), time);
    }
    // incompressible, so the compressed batch is as large as the records
    Random random = new Random(extra);
    byte[] key = "device-large".getBytes(StandardCharsets.UTF_8);
    int sent = 0;
    while (sent < extra) {
      byte[] value = new byte[4096];
      random.nextBytes(value);
      emitter.sendRaw(topics.heartbeats(), key, value, time);
      sent += value.length;
    }
    emitter.flush();
    return sent;
  }

  /** Requests the producer has sent so far (every kind; between two steps only produce ones). */
  private static double requests(TelemetryEmitter emitter) {
    for (Map.Entry<MetricName, ? extends Metric> m : emitter.metrics().entrySet()) {
      if (m.getKey().group().equals("producer-metrics")
          && m.getKey().name().equals("request-total")) {
        return (double) m.getValue().metricValue();
      }
    }
    throw new AssertionError("the producer has no request-total metric");
  }

  private static Boot boot(String device, long time) {
    return Boot.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setDeviceId(device)
        .setTenantId("tenant")
        .setRing("canary")
        .setBootId("boot-" + device)
        .setBootTime(Instant.ofEpochMilli(time))
        .setOsBuild("22631.3880")
        .setPreviousShutdown(ShutdownKind.CLEAN)
        .setComponents(Map.of("acme.sensor", "7.11.18110"))
        .build();
  }
}
