package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crashwatch backtest} as the {@code backtest} principal on the secured stack (TLS, SCRAM,
 * ACLs, the registry over HTTPS): what {@code AccessPlan} grants it (read the inputs and the
 * catalogue, everything under {@code backtest.}) is enough to replay a range and compare, and the
 * faulty rollout the fleet sent as {@code emitter} is signalled by the production configuration.
 * The inputs are the stack's default topics, shared with {@code SecuredPipelineIT}: this test's
 * history is a year earlier, so the range holds only its own records.
 */
class SecuredBacktestIT {

  @Test
  void theBacktestPrincipalReplaysAndComparesOnTheSecuredStack(@TempDir Path dir) throws Exception {
    LocalStack stack = LocalStack.sharedSecured(PipelineSession.embeddedPlan());
    String json =
        Files.readString(Path.of("..", "scenarios", "faulty-driver-rollout.json"))
            .replace("\"2024-07-19T03:30:00Z\"", "\"2023-07-19T03:30:00Z\"");
    Scenario scenario = ScenarioLoader.parse(json, "faulty-driver-rollout").withDevices(3_000);
    Settings ops = ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.OPS)));
    Topics topics = Topics.from(ops);
    EmbeddedTopics.create(stack, topics, 3);
    SchemaRegistration.register(ClientSettings.serdes(ops).registry(), topics, List.of());
    new CatalogueClient(ClientSettings.kafka(ops), ClientSettings.serdes(ops), topics.catalogue())
        .put(ScenarioCatalogue.entries(scenario, Instant.now()));
    Settings emitter =
        ClientSettings.withAddresses(
            ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.EMITTER))),
            null,
            null);
    try (TelemetryEmitter out =
        new TelemetryEmitter(
            emitter.getString("bootstrap.servers"),
            ClientSettings.serdes(emitter),
            topics,
            emitter.kafkaClientSecurity())) {
      new FleetSimulator(scenario, out, topics).run(Duration.ofDays(1), at -> {});
    }
    Path candidate = dir.resolve("candidate.properties");
    Files.writeString(
        candidate,
        "detector.halt.min.devices=1000000\n" + "detector.rollback.min.devices=1000000\n");

    String printed =
        BacktestIT.run(
            "--config",
            stack.clientConfigFile(AccessPlan.BACKTEST).toString(),
            "--from",
            scenario.start().toString(),
            "--to",
            scenario.start().plus(scenario.duration()).toString(),
            "--candidate",
            candidate.toString(),
            "--run",
            "secured-" + UUID.randomUUID().toString().substring(0, 8),
            "--data-dir",
            dir.resolve("state").toString());

    // What this test proves is the secured path: the backtest principal copies, runs both
    // configurations and compares them with only what AccessPlan grants, and the candidate that
    // cannot halt differs where production halted. Which version production halts on this small
    // fleet on the shared secured stack is detection's business (BacktestIT asserts the driver on
    // the plaintext stack): in one CI run production halted the OS build the faulty driver crashes.
    assertThat(printed.lines())
        .anySatisfy(
            l -> assertThat(l).containsPattern(" (HALT|ROLLBACK) ").endsWith("production only"))
        .noneSatisfy(l -> assertThat(l).containsPattern(" (HALT|ROLLBACK) .*candidate only$"));
  }
}
