package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.CommittedTopicReader;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code crashwatch backtest} on the real broker and registry. A faulty scenario is recorded once
 * into input topics of its own (no processor running, as a cluster's history would be), with a
 * hostile record inside the range and one outside it. Backtested with a candidate that makes HALT
 * impossible, the printed table and the two runs' output topics differ exactly that way; with a
 * candidate that changes nothing, the same signals come within an evaluation interval. In both, the
 * hostile record ends in the backtest's own dead-letter topics and no production output topic is
 * written.
 */
class BacktestIT {

  private static final String FAULTY = "gpu-driver@553.40";
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  private static final byte[] HOSTILE_IN = "device-hostile-in".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HOSTILE_OUT = "device-hostile-out".getBytes(StandardCharsets.UTF_8);

  private static final LocalStack STACK = LocalStack.shared();
  private static final Map<String, Object> KAFKA =
      Map.of("bootstrap.servers", STACK.bootstrapServers());

  @TempDir static Path dir;
  private static Path production;
  private static Topics topics;
  private static Instant from;
  private static Instant to;
  private static EventSerdes serdes;

  /** The cluster's history: the scenario as its fleet sent it, free-running, and two forgeries. */
  @BeforeAll
  static void record() throws Exception {
    Scenario scenario =
        ScenarioLoader.load(Path.of("..", "scenarios", "faulty-driver-rollout.json"))
            .withDevices(3_000);
    production = dir.resolve("production.properties");
    Files.writeString(
        production,
        String.join(
            "\n",
            "topic.boots=boots-" + ID,
            "topic.crashes=crashes-" + ID,
            "topic.heartbeats=heartbeats-" + ID,
            "topic.rollback.signals=signals-" + ID,
            "topic.spike.alerts=alerts-" + ID,
            "topic.dead.letters=dead-" + ID,
            "topic.version.health=health-" + ID,
            "topic.catalogue=catalogue-" + ID,
            ""));
    topics = Topics.from(ClientSettings.load(Optional.of(production)));
    STACK.createTopics(3, topics.boots(), topics.crashes(), topics.heartbeats());
    STACK.createTopics(1, topics.catalogue());
    serdes = EventSerdes.connect(STACK.schemaRegistryUrl());
    new CatalogueClient(KAFKA, serdes, topics.catalogue())
        .put(ScenarioCatalogue.entries(scenario, Instant.now()));
    try (TelemetryEmitter emitter =
        new TelemetryEmitter(STACK.bootstrapServers(), serdes, topics, Map.of())) {
      new FleetSimulator(scenario, emitter, topics).run(Duration.ofDays(1), at -> {});
    }
    from = scenario.start();
    to = scenario.start().plus(scenario.duration());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KAFKA, new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] garbage = "{\"forged\": true}".getBytes(StandardCharsets.UTF_8);
      long inside = from.plus(Duration.ofMinutes(30)).toEpochMilli();
      long outside = from.minus(Duration.ofMinutes(30)).toEpochMilli();
      producer.send(new ProducerRecord<>(topics.boots(), null, inside, HOSTILE_IN, garbage));
      producer.send(new ProducerRecord<>(topics.boots(), null, outside, HOSTILE_OUT, garbage));
    }
  }

  @Test
  void theCandidateThatCannotHaltDiffersFromProductionOnlyWhereItMust() throws Exception {
    String run = "no-halt-" + ID;
    String printed =
        backtest(run, "detector.halt.min.devices=1000000\ndetector.rollback.min.devices=1000000\n");

    assertThat(printed)
        .contains("candidate detector.halt.min.devices: 5 -> 1000000")
        .contains("candidate detector.rollback.min.devices: 10 -> 1000000");
    assertThat(table(printed))
        .as("the faulty driver's HALT: production only")
        .anySatisfy(
            l -> assertThat(l).contains(FAULTY).contains(" HALT ").endsWith("production only"))
        .as("no HALT or ROLLBACK of the candidate")
        .noneSatisfy(
            l ->
                assertThat(l)
                    .containsPattern(" (HALT|ROLLBACK) ")
                    .doesNotEndWith("production only"));

    String prefix = "backtest." + run + ".";
    List<RollbackSignal> productionSignals =
        values(prefix + "production.signals-" + ID, RollbackSignal.class);
    List<RollbackSignal> candidateSignals =
        values(prefix + "candidate.signals-" + ID, RollbackSignal.class);
    assertThat(productionSignals)
        .anySatisfy(
            s -> {
              assertThat(s.getComponent() + "@" + s.getVersion()).isEqualTo(FAULTY);
              assertThat(s.getAction().name()).isEqualTo("HALT");
            });
    assertThat(candidateSignals)
        .as("the candidate still watches the faulty driver, and never halts")
        .anySatisfy(s -> assertThat(s.getComponent() + "@" + s.getVersion()).isEqualTo(FAULTY))
        .extracting(s -> s.getAction().name())
        .doesNotContain("HALT", "ROLLBACK");
    assertThat(
            CommittedTopicReader.readAll(
                KAFKA,
                prefix + "production.vendor-health.vortex",
                new ByteArrayDeserializer(),
                Duration.ofSeconds(30)))
        .as("the run's own health feed of the driver's vendor")
        .isNotEmpty();
    assertSeparateAndHostileRecordDeadLettered(run);
  }

  /**
   * The same configuration twice raises the same signals, each in the same evaluation or the next:
   * which record of a step a task reads first is up to the fetches, so a decision at the edge of an
   * interval can fall on either side of it (measured: at most one interval apart).
   */
  @Test
  void aCandidateThatChangesNothingRaisesTheSameSignalsWithinAnInterval() throws Exception {
    String run = "same-" + ID;
    String printed = backtest(run, "detector.halt.min.devices=5\n");

    // HALT and ROLLBACK of the faulty driver, the decisions a release acts on, must agree, and no
    // ROLLBACK may differ. A WATCH is informational: a run whose evaluation at the edge of an
    // interval already sees HALT's evidence goes straight to HALT, so one run may show a WATCH the
    // other skipped (measured after idle tasks began to tick at their own stream time).
    List<String> rows = table(printed);
    List<String> decisions = rows.stream().filter(l -> l.matches(".* (HALT|ROLLBACK) .*")).toList();
    assertThat(decisions)
        .anySatisfy(l -> assertThat(l).contains(FAULTY))
        .filteredOn(l -> l.contains(FAULTY) || l.contains(" ROLLBACK "))
        .allSatisfy(l -> assertThat(l).matches(".*  (same|candidate 1 min (earlier|later))$"));
    // Another version's HALT can hinge on which interval the driver's lands in: blame explains a
    // version away by a candidate once the candidate's evidence is in, so with the driver's HALT
    // an interval later in one run, a version on the same devices (acme.sensor-content@291 here)
    // was halted and resolved three minutes later in that run and never raised in the other (CI,
    // 2026-12-04). Such a decision may differ only as that transient: the run that raised it also
    // resolved it.
    for (String decision : decisions) {
      String only = decision.endsWith("production only") ? "candidate only" : "production only";
      if (decision.endsWith(" only")) {
        String version = decision.trim().split("\\s+")[0];
        assertThat(rows)
            .as("%s: raised by one run only, so that run must have resolved it", decision.trim())
            .anySatisfy(
                row ->
                    assertThat(row.trim())
                        .startsWith(version + " ")
                        .contains(" RESOLVED ")
                        .doesNotEndWith(only));
      }
    }
    assertSeparateAndHostileRecordDeadLettered(run);
  }

  /** Runs the command on the shared test stack; returns what it printed. */
  private static String backtest(String run, String candidateFile) throws Exception {
    Path candidate = dir.resolve(run + ".properties");
    Files.writeString(candidate, candidateFile);
    return run(
        "--config",
        production.toString(),
        "--bootstrap-servers",
        STACK.bootstrapServers(),
        "--schema-registry-url",
        STACK.schemaRegistryUrl(),
        "--from",
        from.toString(),
        "--to",
        to.toString(),
        "--candidate",
        candidate.toString(),
        "--run",
        run,
        "--data-dir",
        dir.resolve("state").toString());
  }

  /**
   * Runs {@code crashwatch backtest} with {@code args}; asserts exit 0, returns what it printed.
   */
  static String run(String... args) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int exit;
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      exit =
          new CommandLine(new BacktestCommand(out))
              .setErr(new PrintWriter(err, true))
              .execute(args);
    }
    String printed = console.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    return printed;
  }

  private static List<String> table(String printed) {
    return printed
        .lines()
        .dropWhile(l -> !l.contains("component@version"))
        .skip(1)
        .takeWhile(l -> l.startsWith("  "))
        .toList();
  }

  /**
   * The hostile record in range is dead-lettered by both runs into their own topics, the one
   * outside is not copied, and production's outputs are never written.
   */
  private static void assertSeparateAndHostileRecordDeadLettered(String run) throws Exception {
    String prefix = "backtest." + run + ".";
    for (String label : List.of("production", "candidate")) {
      assertThat(values(prefix + label + ".dead-" + ID, DeadLetter.class))
          .as("the hostile record in range, dead-lettered by the %s run", label)
          .anySatisfy(d -> assertThat(d.getKey().array()).isEqualTo(HOSTILE_IN));
    }
    assertThat(
            CommittedTopicReader.readAll(
                KAFKA,
                prefix + "input." + topics.boots(),
                new ByteArrayDeserializer(),
                Duration.ofSeconds(30)))
        .as("the record outside the range is not copied, the one inside is")
        .noneSatisfy(r -> assertThat(r.key()).isEqualTo(HOSTILE_OUT))
        .anySatisfy(r -> assertThat(r.key()).isEqualTo(HOSTILE_IN));
    try (Admin admin = Admin.create(KAFKA)) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names)
          .as("production's outputs are never written")
          .doesNotContain("signals-" + ID, "alerts-" + ID, "dead-" + ID, "health-" + ID);
    }
  }

  private static <V extends SpecificRecord> List<V> values(String topic, Class<V> type) {
    return CommittedTopicReader.readAll(
            KAFKA, topic, serdes.value(type).deserializer(), Duration.ofSeconds(30))
        .stream()
        .map(r -> r.value())
        .toList();
  }
}
