package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.access.ScramClient;
import dev.crashwatch.launcher.AccessProbe.Outcome;
import dev.crashwatch.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access matrix on the real secured broker (KRaft, SASL_SSL, SCRAM-SHA-512, StandardAuthorizer
 * with allow.everyone.if.no.acl.found=false): every principal of {@link AccessPlan}, plus a client
 * with a wrong password and one with no login, tries every operation that matters; the outcome the
 * broker gave is compared with the plan and printed as the table of the README (also written to
 * target/access-matrix.md). Topics of its own, with the same rules, on the shared secured stack.
 */
class AccessMatrixIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final AccessPlan PLAN =
      new AccessPlan(
          new AccessPlan.Names(
              List.of("matrix-boots-" + RUN, "matrix-crashes-" + RUN, "matrix-heartbeats-" + RUN),
              "matrix-catalogue-" + RUN,
              List.of(
                  "matrix-signals-" + RUN,
                  "matrix-spikes-" + RUN,
                  "matrix-version-health-" + RUN,
                  "matrix-dead-letters-" + RUN),
              "matrix-vendor-health-" + RUN + ".",
              "matrix-detector-" + RUN));
  private static final String VENDOR_A = "acme";
  private static final String VENDOR_B = "vortex";
  private static final String WRONG_PASSWORD = "wrong password";
  private static final String NO_LOGIN = "no login (TLS only)";

  private static LocalStack stack;

  @BeforeAll
  static void provision() throws Exception {
    stack = LocalStack.sharedSecured(PipelineSession.embeddedPlan());
    stack.grant(PLAN);
    AccessPlan.Names n = PLAN.names();
    stack.createTopics(1, n.inputs().toArray(String[]::new));
    stack.createTopics(1, n.alerts().toArray(String[]::new));
    stack.createTopics(1, n.catalogue());
    stack.addVendor(PLAN, VENDOR_A);
    stack.addVendor(PLAN, VENDOR_B);
    // Something to read in every topic a probe reads, written by the super user.
    Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties(AccessPlan.ADMIN));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<String, String> admin =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (String topic :
          List.of(
              n.inputs().get(0),
              n.alerts().get(0),
              n.catalogue(),
              PLAN.vendorFeed(VENDOR_A),
              PLAN.vendorFeed(VENDOR_B))) {
        admin.send(new ProducerRecord<>(topic, "seed", "seed")).get();
      }
    }
  }

  /** The operations, in the order of the table's columns. */
  private static Map<String, Function<AccessProbe, Outcome>> operations() {
    AccessPlan.Names n = PLAN.names();
    Map<String, Function<AccessProbe, Outcome>> ops = new LinkedHashMap<>();
    ops.put("write telemetry", p -> p.write(n.inputs().get(0)));
    ops.put("read telemetry", p -> p.read(n.inputs().get(0)));
    ops.put("write alerts", p -> p.write(n.alerts().get(0)));
    ops.put("read alerts", p -> p.read(n.alerts().get(0)));
    ops.put("read feed of vendor A", p -> p.read(PLAN.vendorFeed(VENDOR_A)));
    ops.put("read feed of vendor B", p -> p.read(PLAN.vendorFeed(VENDOR_B)));
    ops.put("write feed of vendor A", p -> p.write(PLAN.vendorFeed(VENDOR_A)));
    ops.put("join the processor's group", p -> p.joinGroup(n.applicationId(), n.inputs().get(0)));
    ops.put(
        "use the processor's transactional ids",
        p -> p.useTransactionalId(n.applicationId() + "-forged-0"));
    ops.put("write catalogue", p -> p.write(n.catalogue()));
    ops.put("read catalogue", p -> p.read(n.catalogue()));
    ops.put("create a topic", p -> p.createTopic("matrix-created-" + UUID.randomUUID()));
    return ops;
  }

  /** What the plan says each principal may do; everything else must be refused. */
  private static Map<String, Set<String>> expectedAllowed() {
    Map<String, Set<String>> allowed = new LinkedHashMap<>();
    allowed.put(AccessPlan.ADMIN, operations().keySet());
    allowed.put(AccessPlan.EMITTER, Set.of("write telemetry"));
    allowed.put(
        AccessPlan.PROCESSOR,
        Set.of(
            "read telemetry",
            "write alerts",
            "write feed of vendor A",
            "join the processor's group",
            "use the processor's transactional ids",
            "read catalogue"));
    allowed.put(AccessPlan.SOC, Set.of("read alerts"));
    allowed.put(AccessPlan.OPS, Set.of("write catalogue", "read catalogue", "create a topic"));
    allowed.put(AccessPlan.vendorPrincipal(VENDOR_A), Set.of("read feed of vendor A"));
    allowed.put(WRONG_PASSWORD, Set.of());
    allowed.put(NO_LOGIN, Set.of());
    return allowed;
  }

  private static AccessProbe probeFor(String row) {
    String bootstrap = stack.bootstrapServers();
    if (row.equals(WRONG_PASSWORD)) {
      Map<String, String> props = new HashMap<>(stack.kafkaClientProperties(AccessPlan.EMITTER));
      props.putAll(ScramClient.login(AccessPlan.EMITTER, "not-" + UUID.randomUUID()));
      return new AccessProbe(bootstrap, props, true);
    }
    if (row.equals(NO_LOGIN)) {
      Map<String, String> props = new HashMap<>(stack.kafkaClientProperties(AccessPlan.EMITTER));
      props.keySet().removeIf(k -> k.startsWith("sasl."));
      props.put("security.protocol", "SSL");
      return new AccessProbe(bootstrap, props, false);
    }
    return new AccessProbe(bootstrap, stack.kafkaClientProperties(row), true);
  }

  @Test
  void everyPrincipalCanDoWhatThePlanGrantsAndNothingElse() throws Exception {
    Map<String, Function<AccessProbe, Outcome>> ops = operations();
    Map<String, Map<String, Outcome>> observed = new LinkedHashMap<>();
    for (String row : expectedAllowed().keySet()) {
      AccessProbe probe = probeFor(row);
      Map<String, Outcome> cells = new LinkedHashMap<>();
      ops.forEach((name, op) -> cells.put(name, op.apply(probe)));
      observed.put(row, cells);
    }
    String table = table(observed);
    System.out.println("access matrix as observed on the secured broker:\n" + table);
    Files.writeString(Path.of("target", "access-matrix.md"), table);

    Map<String, Map<String, Outcome>> expected = new LinkedHashMap<>();
    expectedAllowed()
        .forEach(
            (row, allowed) -> {
              Map<String, Outcome> cells = new LinkedHashMap<>();
              ops.keySet()
                  .forEach(
                      op ->
                          cells.put(op, allowed.contains(op) ? Outcome.ALLOWED : Outcome.REFUSED));
              expected.put(row, cells);
            });
    assertThat(observed).isEqualTo(expected);
  }

  private static String table(Map<String, Map<String, Outcome>> observed) {
    StringBuilder out = new StringBuilder("| principal |");
    List<String> columns = List.copyOf(operations().keySet());
    columns.forEach(c -> out.append(' ').append(c).append(" |"));
    out.append("\n|---|");
    columns.forEach(c -> out.append("---|"));
    out.append('\n');
    observed.forEach(
        (row, cells) -> {
          out.append("| ").append(row).append(" |");
          columns.forEach(c -> out.append(' ').append(cells.get(c)).append(" |"));
          out.append('\n');
        });
    return out.toString();
  }
}
