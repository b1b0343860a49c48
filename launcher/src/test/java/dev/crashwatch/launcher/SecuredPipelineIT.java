package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A faulty scenario end to end through the secured stack (real broker with SASL_SSL and ACLs, real
 * Apicurio over HTTPS, the real processor): the simulated fleet writes as the emitter principal,
 * the processor runs as the processor principal with schema auto-registration off (ops registered
 * the schemas), the signals are read as the SOC, and the vendor reads its feed as itself. Then
 * every secret the run used is looked for in its logs, its console output and the registry's log.
 */
class SecuredPipelineIT {

  /** The scenario's faulty rollout, which must be signalled. */
  private static final String FAULTY = "gpu-driver@553.40";

  @Test
  void aFaultyRolloutIsSignalledThroughTheSecuredStackAndNoSecretReachesALog() throws Exception {
    LocalStack stack = LocalStack.sharedSecured(PipelineSession.embeddedPlan());
    Scenario scenario =
        ScenarioLoader.load(Path.of("..", "scenarios", "faulty-driver-rollout.json"))
            .withDevices(3_000);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<ObservedSignal> signals;
    SimulationResult result;
    OptionalLong behind;
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        PipelineSession pipeline =
            PipelineSession.onStack(stack, 3, ScenarioRun.vendorsOf(scenario), out)) {
      result = pipeline.replay(scenario, scenario.controller(), 0);
      signals = pipeline.signals();
      behind = pipeline.recordsBehindStreamTime();
    }
    // the replay says whether the processor read it in time order, from the processor's counter
    assertThat(behind).as("the processor's read-order counter, kept by the session").isPresent();
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains(
            behind.getAsLong() == 0
                ? "read in time order: no record behind its task's stream time"
                : String.format("NOT read in time order: %,d records", behind.getAsLong()));
    assertThat(result.events()).isGreaterThan(50_000);
    assertThat(signals)
        .as("signals read by the SOC principal")
        .anySatisfy(
            s -> {
              assertThat(s.target()).isEqualTo(FAULTY);
              assertThat(s.action()).isIn("HALT", "ROLLBACK");
            });
    assertThat(vendorFeedRecords(stack, "acme"))
        .as("acme's feed, read as vendor.acme")
        .isPositive();

    String logs =
        Files.readString(Path.of("target", "test-logs", "integration-tests.log"))
            + console.toString(StandardCharsets.UTF_8)
            + Files.readString(stack.schemaRegistry().logFile());
    // The log is the run's, and holds the client configurations, where secrets would show.
    assertThat(logs).contains("stream processor RUNNING").contains("sasl.jaas.config = [hidden]");
    List<String> secrets = stack.secrets();
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(AccessPlan.FIXED_PRINCIPALS.size() + 1);
    for (String secret : secrets) {
      assertThat(logs).as("a secret of the run in its logs").doesNotContain(secret);
    }
  }

  private static int vendorFeedRecords(LocalStack stack, String vendor) {
    Map<String, Object> config =
        new HashMap<>(stack.kafkaClientProperties(AccessPlan.vendorPrincipal(vendor)));
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, AccessPlan.vendorGroups(vendor) + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    int records = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(PipelineSession.embeddedPlan().vendorFeed(vendor)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records == 0 && System.nanoTime() < deadline) {
        records += consumer.poll(Duration.ofMillis(500)).count();
      }
    }
    return records;
  }
}
