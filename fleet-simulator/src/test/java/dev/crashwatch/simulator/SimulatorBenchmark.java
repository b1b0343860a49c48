package dev.crashwatch.simulator;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The simulator's event rate into a real broker, against the raw producer ceiling measured in the
 * same run: the same number of records of the same average size, pre-built bytes, sent by a
 * producer with the same settings. Prints both and the ratio.
 *
 * <p>Usage: {@code SimulatorBenchmark [scenario file] [devices]} (default: the reference scenario
 * at 30,000 devices).
 */
public final class SimulatorBenchmark {

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "../scenarios/channel-file-291.json");
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
    Scenario scenario = ScenarioLoader.load(file).withDevices(devices);
    Path dir =
        Files.createDirectories(Path.of("target", "simulator-benchmark-" + UUID.randomUUID()));
    try (LocalStack stack = LocalStack.start(dir)) {
      String run = UUID.randomUUID().toString().substring(0, 8);
      Topics topics =
          new Topics(
              "b-" + run,
              "c-" + run,
              "h-" + run,
              "s-" + run,
              "a-" + run,
              "v-" + run + ".",
              "d-" + run,
              "vh-" + run,
              "cat-" + run);
      stack.createTopics(3, topics.boots(), topics.crashes(), topics.heartbeats());
      EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());

      long simStart = System.nanoTime();
      SimulationResult result;
      long sends;
      try (TelemetryEmitter emitter =
          new TelemetryEmitter(stack.bootstrapServers(), serdes, topics, Map.of())) {
        result = new FleetSimulator(scenario, emitter, topics).run(scenario.duration(), at -> {});
        sends = emitter.sent();
      }
      double simSeconds = (System.nanoTime() - simStart) / 1e9;
      double simRate = result.events() / simSeconds;

      // The ceiling: the same count of pre-built 180-byte records (about an encoded heartbeat).
      byte[] value = new byte[180];
      String rawTopic = "raw-" + run;
      stack.createTopics(3, rawTopic);
      long rawStart = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  stack.bootstrapServers(),
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                  true,
                  ProducerConfig.ACKS_CONFIG,
                  "all",
                  ProducerConfig.LINGER_MS_CONFIG,
                  20,
                  ProducerConfig.BATCH_SIZE_CONFIG,
                  256 * 1024,
                  ProducerConfig.COMPRESSION_TYPE_CONFIG,
                  "lz4"),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (long i = 0; i < result.events(); i++) {
          byte[] key = ("dev-" + (i % devices)).getBytes();
          producer.send(new ProducerRecord<>(rawTopic, key, value));
        }
        producer.flush();
      }
      double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
      double rawRate = result.events() / rawSeconds;
      System.out.printf(
          "scenario %s, %,d devices, %s simulated: %,d events%n"
              + "  simulator into the broker (generate + Avro + wire format + produce): %,.0f events/s (%.1f s)%n"
              + "  raw producer ceiling, same count of pre-built records:            %,.0f records/s (%.1f s)%n"
              + "  ratio simulator/ceiling: %.2f; simulated time ran %.0fx faster than real time%n",
          scenario.name(),
          devices,
          scenario.duration(),
          result.events(),
          simRate,
          simSeconds,
          rawRate,
          rawSeconds,
          simRate / rawRate,
          scenario.duration().toMillis() / 1000.0 / simSeconds);
      if (sends != result.events()) {
        System.out.printf("  (emitter counted %,d sends)%n", sends);
      }
    }
  }
}
