package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.localstack.LocalSchemaRegistry;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failure suite, processor side, on a real broker and registry of its own: the stream processor
 * as {@code crashwatch process} in JVMs of its own, SIGKILLed at seeded points of a small scenario
 * and restarted, with the broker stopped and restarted and the registry down or refusing under it
 * in the same run, or run as several instances of one application of which one is killed and
 * brought back. The reference is the same scenario's uninterrupted single-instance run, in the same
 * test run; the signals (id and action, what a consumer acts on and de-duplicates by) must be the
 * same: none lost, none doubled, none invented; and each must carry the reference's evidence
 * (decision time, crashed and silent devices, module; {@link FailureTable#evidence}): the detector
 * evaluates at the interval boundaries of the watermark, each once also across restarts, so where a
 * fault falls must not move a decision or change its counts.
 */
class ProcessorCrashIT {

  private static final Path SCENARIO = Path.of("../scenarios/channel-file-291.json");
  private static final int DEVICES = 3_000;
  private static final int PARTITIONS = 6;
  private static final long SEED = 20240719L;
  private static final Duration STEP = Duration.ofMinutes(1);

  /** How long the broker stays down: longer than a commit, a poll and a session timeout. */
  private static final Duration BROKER_DOWN = Duration.ofSeconds(15);

  /** How long a restarted processor may take to report a registry fault on its health endpoint. */
  private static final Duration REPORTED = Duration.ofMinutes(2);

  private static LocalStack stack;
  private static AuthenticatingRegistryProxy registry;
  private static Scenario scenario;
  private static FailureRun.Outcome reference;
  private static int steps;

  @BeforeAll
  static void referenceRun() throws Exception {
    // a stack of the suite's own: its broker is stopped and restarted and its registry (behind a
    // proxy that can fail every request) goes down, which no other test of the JVM may share
    stack = LocalStack.start(Path.of("target", "failure-stack").toAbsolutePath());
    registry = AuthenticatingRegistryProxy.open(stack.schemaRegistry().baseUrl());
    scenario = ScenarioLoader.load(SCENARIO).withDevices(DEVICES);
    steps = (int) (scenario.duration().toMinutes() / STEP.toMinutes());
    try (FailureRun run = run("reference")) {
      run.startInstance(0);
      reference = run.replay(scenario, STEP, FailureRun.NONE);
    }
    assertThat(reference.signals()).as("the reference run raises signals to compare").isNotEmpty();
  }

  @AfterAll
  static void closeStack() {
    if (registry != null) {
      registry.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static FailureRun run(String name) throws Exception {
    return new FailureRun(
        name, PARTITIONS, stack, registry.baseUrl() + LocalSchemaRegistry.CCOMPAT_PATH);
  }

  /**
   * One run, several faults, each at steps of its own (a run of this scenario takes minutes, so the
   * faults share one): the processor SIGKILLed at seeded points and restarted; the broker stopped
   * for {@link #BROKER_DOWN} and restarted on its port and data under the running processor; the
   * schema registry failing every request (503) for a whole step, which records of cached schemas
   * ride through, then the processor restarted into it, so that its empty cache must wait; and the
   * registry refusing every client (401) with the processor restarted into that. Each fault is a
   * row of the table, with the run's figures.
   */
  @Test
  void processorKilledBrokerRestartedRegistryDownAndRefusing() throws Exception {
    int brokerAt = steps / 4;
    int registryDownAt = steps / 2;
    int refusingAt = 3 * steps / 4;
    Set<Integer> faultSteps = Set.of(brokerAt, registryDownAt, registryDownAt + 1, refusingAt);
    Set<Integer> killAt = points(new Random(SEED), 3, faultSteps);
    List<String> reports = new ArrayList<>();
    boolean[] refusalLogged = {false};
    FailureRun.Outcome outcome;
    boolean survivedBroker;
    try (FailureRun run = run("faults")) {
      run.startInstance(0);
      outcome =
          run.replay(
              scenario,
              STEP,
              (step, reached, r) -> {
                if (killAt.contains(step)) {
                  r.kill(0);
                  r.startInstance(0);
                } else if (step == brokerAt) {
                  stack.kafka().stop();
                  Thread.sleep(BROKER_DOWN.toMillis()); // the fault's length, not a wait for one
                  stack.kafka().restart();
                } else if (step == registryDownAt) {
                  registry.fail(503); // this step's records have cached schemas: they flow
                } else if (step == registryDownAt + 1) {
                  r.kill(0);
                  r.startInstance(0);
                  reports.add(awaitReported(r, "schema registry unreachable"));
                  registry.fail(0);
                } else if (step == refusingAt) {
                  registry.fail(401);
                  r.kill(0);
                  r.startInstance(0);
                  reports.add(
                      awaitReported(r, "schema registry refuses the processor's credentials"));
                  refusalLogged[0] = r.log(0).contains("ERROR");
                  registry.fail(0);
                }
              });
      survivedBroker = run.isAlive(0);
    }
    reports.forEach(said -> System.out.println("failure suite: /health/ready said " + said));
    String test = "ProcessorCrashIT#processorKilledBrokerRestartedRegistryDownAndRefusing";
    List<String> problems = new ArrayList<>();
    problems.addAll(
        compare("processor SIGKILL at seeded points, restarted", killAt.size(), outcome, test));
    problems.addAll(
        compare(
            "broker stopped for "
                + BROKER_DOWN.toSeconds()
                + " s and restarted under the processor (same run)",
            1,
            outcome,
            test));
    problems.addAll(
        compare(
            "registry down (503) for a step, then the processor restarted into it: cache misses"
                + " wait (same run)",
            1,
            outcome,
            test));
    problems.addAll(
        compare(
            "registry refusing the processor (401), restarted into it: /health and an ERROR, no"
                + " dead letter (same run)",
            1,
            outcome,
            test));
    assertThat(problems).as("signals lost, doubled, invented or with other evidence").isEmpty();
    assertThat(survivedBroker).as("the processor lived through the broker restart").isTrue();
    assertThat(refusalLogged[0]).as("the refused credentials logged as an ERROR").isTrue();
    assertThat(outcome.deadLetters())
        .as("dead letters: the records' own faults only, never the registry's")
        .isEqualTo(reference.deadLetters());
  }

  @Test
  void threeInstancesOneKilledMidRunAndBroughtBack() throws Exception {
    List<Duration> failover = new ArrayList<>();
    FailureRun.Outcome outcome;
    try (FailureRun run = run("scale3")) {
      for (int n = 0; n < 3; n++) {
        run.startInstance(n);
      }
      int killStep = steps / 3;
      int backStep = 2 * steps / 3;
      Instant[] killedAt = new Instant[1];
      outcome =
          run.replay(
              scenario,
              STEP,
              (step, reached, r) -> {
                if (step == killStep) {
                  r.kill(1);
                  killedAt[0] = Instant.now();
                } else if (step == killStep + 1) {
                  // the lock-step wait of the kill's step returned: the others had taken over
                  failover.add(Duration.between(killedAt[0], Instant.now()));
                } else if (step == backStep) {
                  r.startInstance(1);
                }
              });
    }
    System.out.println("failure suite: failover (kill to caught up on the others) " + failover);
    assertThat(
            compare(
                "3 instances, one SIGKILLed mid-run and brought back",
                1,
                outcome,
                "ProcessorCrashIT#threeInstancesOneKilledMidRunAndBroughtBack"))
        .as("signals lost, doubled, invented or with other evidence")
        .isEmpty();
  }

  /** Waits until instance 0's readiness says {@code problem}; returns what it said. */
  private static String awaitReported(FailureRun run, String problem) {
    String[] said = {""};
    try {
      await("the processor reports: " + problem)
          .atMost(REPORTED)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                said[0] = run.readiness(0);
                return said[0].startsWith("503") && said[0].contains(problem);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("/health/ready said last: " + said[0], e);
    }
    return said[0];
  }

  /** {@code count} seeded steps, none of them in {@code taken}. */
  private static Set<Integer> points(Random random, int count, Set<Integer> taken) {
    Set<Integer> out = new TreeSet<>();
    while (out.size() < count) {
      int step = 5 + random.nextInt(Math.max(1, steps - 10));
      if (!taken.contains(step)) {
        out.add(step);
      }
    }
    return out;
  }

  /**
   * Writes the row of {@code fault} and returns what is wrong with {@code outcome} against the
   * reference: events missing, signals lost, doubled or invented, or with other evidence.
   */
  private static List<String> compare(
      String fault, int injected, FailureRun.Outcome outcome, String test) {
    List<String> lost = FailureTable.lost(reference.signals(), outcome.signals());
    List<String> extra = FailureTable.duplicatedOrInvented(reference.signals(), outcome.signals());
    List<String> otherEvidence = FailureTable.otherEvidence(reference.signals(), outcome.signals());
    FailureTable.row(
        fault,
        injected,
        outcome.eventsIn(),
        outcome.signals().size(),
        reference.signals().size(),
        lost.size(),
        extra.size(),
        otherEvidence.size(),
        test);
    List<String> problems = new ArrayList<>();
    if (outcome.eventsIn() != reference.eventsIn()) {
      problems.add(fault + ": " + outcome.eventsIn() + " events in, " + reference.eventsIn());
    }
    lost.forEach(l -> problems.add(fault + ": lost " + l));
    extra.forEach(x -> problems.add(fault + ": doubled or invented " + x));
    otherEvidence.forEach(e -> problems.add(fault + ": other evidence " + e));
    return problems;
  }
}
