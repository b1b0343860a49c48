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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.Utils;
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
    AtomicInteger prefixes = new AtomicInteger();
    String client = "whole-steps-" + UUID.randomUUID();
    try (TelemetryEmitter emitter =
            WholeSteps.emitter(
                stack.bootstrapServers(),
                serdes,
                topics,
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, client),
                prefixes::incrementAndGet);
        ProducerRequests requests = new ProducerRequests(client)) {
      long time = Instant.parse("2024-07-19T04:00:00Z").toEpochMilli();
      // the first step also learns the topics' metadata and registers the schema
      step(emitter, topics, time);
      int before = requests.all().size();

      // two partitions above the old batch size, together above the flush size, each below it
      int large = step(emitter, topics, time + 60_000, 320 * 1024, 320 * 1024);

      assertThat(large).isGreaterThan((int) WholeSteps.FLUSH_BYTES);
      List<String> second = stepRequests(requests, before);
      assertThat(ProducerRequests.produce(second))
          .as("produce requests of the second step, among its requests %s", second)
          .isEqualTo(1);
      assertThat(prefixes)
          .as("no partition reached the flush size: the step left whole")
          .hasValue(0);
      assertThat(emitter.acknowledged()).isEqualTo(emitter.sent());
    }
  }

  @Test
  void aStepLargerThanTheFlushSizeLeavesAsPrefixesEachAcknowledgedBeforeTheWait() {
    Topics topics = topics("whole-steps-" + UUID.randomUUID());
    List<Long> unacknowledgedAtEachWait = new ArrayList<>();
    TelemetryEmitter[] self = new TelemetryEmitter[1];
    String client = "whole-steps-" + UUID.randomUUID();
    try (TelemetryEmitter emitter =
            WholeSteps.emitter(
                stack.bootstrapServers(),
                serdes,
                topics,
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, client),
                () -> unacknowledgedAtEachWait.add(self[0].sent() - self[0].acknowledged()));
        ProducerRequests requests = new ProducerRequests(client)) {
      self[0] = emitter;
      long time = Instant.parse("2024-07-19T04:00:00Z").toEpochMilli();
      step(emitter, topics, time);
      int before = requests.all().size();
      int prefixesBefore = unacknowledgedAtEachWait.size();

      step(emitter, topics, time + 60_000, (int) (2.5 * WholeSteps.FLUSH_BYTES));

      // one partition's: two flushes of its own within the step (each followed by the wait), then
      // the step's flush
      assertThat(unacknowledgedAtEachWait.size() - prefixesBefore).isEqualTo(2);
      assertThat(unacknowledgedAtEachWait).as("records in flight at each wait").containsOnly(0L);
      List<String> second = stepRequests(requests, before);
      assertThat(ProducerRequests.produce(second))
          .as("produce requests of the second step, among its requests %s", second)
          .isEqualTo(3);
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
   * One step: a boot of each device, raw crash and heartbeat records of each, and each of {@code
   * extras} in bytes of raw records on a heartbeat partition of its own; flushed. Returns the extra
   * bytes sent.
   */
  private static int step(TelemetryEmitter emitter, Topics topics, long time, int... extras) {
    for (int i = 0; i < DEVICES; i++) {
      String device = "device-" + i;
      byte[] key = device.getBytes(StandardCharsets.UTF_8);
      emitter.send(topics.boots(), device, boot(device, time + i), time + i);
      emitter.sendRaw(topics.crashes(), key, ("crash " + i).getBytes(StandardCharsets.UTF_8), time);
      emitter.sendRaw(
          topics.heartbeats(), key, ("beat " + i).getBytes(StandardCharsets.UTF_8), time);
    }
    // incompressible, so the compressed batch is as large as the records
    Random random = new Random(extras.length);
    int sent = 0;
    for (int i = 0; i < extras.length; i++) {
      byte[] key = keyOnPartition(i);
      for (int bytes = 0; bytes < extras[i]; bytes += 4096) {
        byte[] value = new byte[4096];
        random.nextBytes(value);
        emitter.sendRaw(topics.heartbeats(), key, value, time);
        sent += value.length;
      }
    }
    emitter.flush();
    return sent;
  }

  /** A device key that Kafka's default partitioner sends to {@code partition}. */
  private static byte[] keyOnPartition(int partition) {
    for (int i = 0; ; i++) {
      byte[] key = ("device-large-" + i).getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(key)) % PARTITIONS == partition) {
        return key;
      }
    }
  }

  /** The requests {@code requests} has read since the first {@code before} of them. */
  private static List<String> stepRequests(ProducerRequests requests, int before) {
    List<String> all = requests.all();
    return all.subList(before, all.size());
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
