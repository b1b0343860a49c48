package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.localstack.LocalSchemaRegistry;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.simulator.scenario.ComponentVersion;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * (decision time, exposed, crashed and silent devices, module; {@link FailureTable#evidence}): the
 * detector evaluates at the interval boundaries of the watermark, each once also across restarts,
 * so where a fault falls must not move a decision or change its counts.
 */
class ProcessorCrashIT {

  private static final Path SCENARIO = Path.of("../scenarios/channel-file-291.json");
  private static final int DEVICES = 3_000;
  private static final int PARTITIONS = 6;
  private static final long SEED = 20240719L;

  /**
   * How much of the scenario the compared runs play: its last signal (the crash wave's RESOLVED) is
   * decided 2 h in and the registry refusal is injected 2 h 16 min in; the scenario's last 40
   * minutes add nothing the runs compare.
   */
  private static final Duration RUN = Duration.ofMinutes(140);

  /** The lock-step of the compared runs. */
  private static final Duration STEP = Duration.ofMinutes(1);

  /** How long the broker stays down: longer than a commit, a poll and a session timeout. */
  private static final Duration BROKER_DOWN = Duration.ofSeconds(15);

  /**
   * Where the broker restart, the registry outage and the refusal fall, in steps. The outage step
   * is held through the step's wait, so no record of it may need the registry: in its minute
   * (05:00) none of this seed's malformed records carries an unknown schema id (one that does waits
   * for the registry, as it must, and the step never completes).
   */
  private static final int BROKER_AT = 45;

  private static final int REGISTRY_DOWN_AT = 90;
  private static final int REFUSING_AT = 135;

  /** The detector's interval (the default of {@code detector.interval}). */
  private static final Duration INTERVAL = Duration.ofMinutes(1);

  /**
   * The quiet-partitions run: the scenario's first hour, the faulty release (at 40 min) halted and
   * rolled back in it; one instance's partitions quiet from {@link #QUIET_FROM} on.
   */
  private static final Duration QUIET_RUN = Duration.ofMinutes(60);

  private static final Duration QUIET_FROM = Duration.ofMinutes(35);

  /**
   * The quiet-partitions run's lock-step: it is compared with no reference, and evaluations fall on
   * the interval boundaries whatever the step, so a long one saves most of the run's waits.
   */
  private static final Duration QUIET_STEP = Duration.ofMinutes(5);

  /** How long the quiet tasks' idle ticks may take to let the detector evaluate the last step. */
  private static final Duration EVALUATED = Duration.ofSeconds(30);

  /** How long a restarted processor may take to report a registry fault on its health endpoint. */
  private static final Duration REPORTED = Duration.ofMinutes(2);

  private static LocalStack stack;
  private static AuthenticatingRegistryProxy registry;
  private static Scenario scenario;
  private static FailureRun.Outcome reference;
  private static int steps;

  @BeforeAll
  static void startStack() throws Exception {
    // a stack of the suite's own: its broker is stopped and restarted and its registry (behind a
    // proxy that can fail every request) goes down, which no other test of the JVM may share
    stack = LocalStack.start(Path.of("target", "failure-stack").toAbsolutePath());
    registry = AuthenticatingRegistryProxy.open(stack.schemaRegistry().baseUrl());
    scenario = ScenarioLoader.load(SCENARIO).withDevices(DEVICES).withDuration(RUN);
    steps = (int) (scenario.duration().toMinutes() / STEP.toMinutes());
  }

  /**
   * The uninterrupted single-instance run the fault runs are compared with, run once, by the first
   * test that needs it (the quiet-partitions run has an input of its own and does not).
   */
  private static synchronized FailureRun.Outcome reference() throws Exception {
    if (reference == null) {
      try (FailureRun run = run("reference")) {
        run.startInstance(0);
        reference = run.replay(scenario, STEP, FailureRun.NONE);
      }
      System.out.printf("failure suite: reference run %.1f s%n", reference.wall().toMillis() / 1e3);
      reference
          .signals()
          .forEach(s -> System.out.println("failure suite: reference " + describe(s)));
      assertThat(reference.signals())
          .as("the reference run raises signals to compare")
          .isNotEmpty();
    }
    return reference;
  }

  /** A test that failed during a registry fault must not leave it to the next one. */
  @AfterEach
  void registryBack() {
    registry.fail(0);
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
    int brokerAt = BROKER_AT;
    int registryDownAt = REGISTRY_DOWN_AT;
    int refusingAt = REFUSING_AT;
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
        .isEqualTo(reference().deadLetters());
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

  /**
   * Two instances of one application, each owning input partitions; from {@link #QUIET_FROM} on
   * (before the faulty release) only the partitions of one of them get records, so that instance's
   * device-state tasks go quiet while the other's keep flowing. Detection must go on across the
   * application: the faulty version, whose crashes keep arriving on the live partitions, is halted
   * and rolled back by decisions taken after the quiet point, and the detector's last evaluation
   * reaches the end of the run. The input is not the reference's (half the fleet falls silent), so
   * what is compared is that, not the reference's signals. A watermark that waited for the quiet
   * tasks would stop evaluating at the quiet point.
   */
  @Test
  void twoInstancesOneOfWhoseInputPartitionsGoQuiet() throws Exception {
    Scenario shortRun = scenario.withDuration(QUIET_RUN);
    Instant quietFrom = scenario.timeAt(QUIET_FROM);
    ComponentVersion faulty =
        scenario.rollouts().stream()
            .filter(Rollout::isFaulty)
            .map(Rollout::target)
            .findFirst()
            .orElseThrow();
    Map<String, Set<Integer>> atQuiet = new TreeMap<>();
    Instant[] quietAt = {null};
    Instant[] previous = {null};
    QuietPartitions[] sink = {null};
    FailureRun.Outcome outcome;
    Map<String, Set<Integer>> atEnd;
    long evaluatedUntil;
    List<RollbackSignal> signals;
    // the live tasks' last tick: the boundary of the run's last minute, or its end
    long lastBoundary = shortRun.end().minus(INTERVAL).toEpochMilli();
    long begun = System.nanoTime();
    Duration formed;
    Duration caughtUp;
    try (FailureRun run = run("quiet")) {
      // both members before any record, so that the assignor spreads tasks without state
      run.startInstance(0);
      run.startInstance(1);
      awaitEveryInstanceOwnsInputs(run, 2);
      formed = Duration.ofNanos(System.nanoTime() - begun);
      outcome =
          run.replay(
              shortRun,
              QUIET_STEP,
              (step, reached, r) -> {
                if (quietAt[0] != null) {
                  // the quiet tasks say they are idle after seconds of wall time, in which a fast
                  // replay can run a whole detection window on; the detector, whose watermark
                  // waits for that, would then catch up on the last window only and skip the
                  // levels before it. A real fleet moves one simulated second a second, so the
                  // run waits for the evaluation of the step before, as time does for a fleet.
                  awaitEvaluatedUntil(r, previous[0].minus(INTERVAL).toEpochMilli());
                }
                previous[0] = reached;
                if (quietAt[0] == null && !reached.isBefore(quietFrom)) {
                  atQuiet.putAll(awaitEveryInstanceOwnsInputs(r, 2));
                  sink[0].silence(atQuiet.get(quietInstance(atQuiet)));
                  quietAt[0] = reached;
                }
              },
              emitter -> sink[0] = new QuietPartitions(emitter, PARTITIONS));
      atEnd = run.inputPartitionsByInstance();
      // the idle ticks of the quiet tasks go out after seconds of wall time without progress
      long replayed = System.nanoTime();
      evaluatedUntil = awaitEvaluatedUntil(run, lastBoundary);
      caughtUp = Duration.ofNanos(System.nanoTime() - replayed);
      // read again: the outcome's signals were read when the input was processed, and the
      // evaluations held back until the quiet tasks said they were idle (up to twice
      // DeviceStateProcessor's 2 s) may commit theirs after that, when the last steps are fast
      signals = run.signals();
    }
    String quietInstance = quietInstance(atQuiet);
    System.out.printf(
        "failure suite: input partitions by instance at the quiet point %s, at the end %s; %s's"
            + " quiet from %s (%,d records kept, %,d dropped); last evaluation %s; group formed in"
            + " %.1f s, replay %.1f s, last evaluation %.1f s after it%n",
        atQuiet,
        atEnd,
        quietInstance,
        quietAt[0],
        sink[0].passed(),
        sink[0].dropped(),
        Instant.ofEpochMilli(evaluatedUntil),
        formed.toMillis() / 1e3,
        outcome.wall().toMillis() / 1e3,
        caughtUp.toMillis() / 1e3);
    signals.forEach(s -> System.out.println("failure suite: quiet run " + describe(s)));
    List<RollbackSignal> expected =
        signals.stream()
            .filter(s -> s.getComponent().equals(faulty.component()))
            .filter(s -> s.getVersion().equals(faulty.version()))
            .filter(
                s -> s.getAction() == SignalAction.HALT || s.getAction() == SignalAction.ROLLBACK)
            .toList();
    List<RollbackSignal> beforeQuiet =
        expected.stream()
            .filter(s -> !s.getEvidence().getDecisionTime().isAfter(quietAt[0]))
            .toList();
    Set<String> actions = new TreeSet<>();
    expected.forEach(s -> actions.add(s.getAction().toString()));
    List<String> doubled = FailureTable.duplicatedOrInvented(signals, signals);
    FailureTable.row(
        "2 instances, one's input partitions quiet from "
            + QUIET_FROM.toMinutes()
            + " min in (before the faulty release): HALT and ROLLBACK of the faulty version decided"
            + " after the quiet point, evaluations to the end of the run (own input: no reference)",
        1,
        sink[0].passed(),
        signals.size(),
        2,
        2 - actions.size(),
        doubled.size(),
        beforeQuiet.size(),
        "ProcessorCrashIT#twoInstancesOneOfWhoseInputPartitionsGoQuiet");
    assertThat(atQuiet.values())
        .as("each instance owned input partitions at the quiet point")
        .hasSize(2)
        .allSatisfy(owned -> assertThat(owned).isNotEmpty());
    assertThat(atEnd).as("the assignment did not change after the quiet point").isEqualTo(atQuiet);
    assertThat(sink[0].dropped()).as("records bound for the quiet partitions").isPositive();
    assertThat(actions)
        .as("the faulty version halted and rolled back after one instance went quiet")
        .containsExactlyInAnyOrder("HALT", "ROLLBACK");
    assertThat(beforeQuiet).as("decisions taken before the quiet point").isEmpty();
    assertThat(doubled).as("signals doubled").isEmpty();
    assertThat(Instant.ofEpochMilli(evaluatedUntil))
        .as("the detector's last evaluation")
        .isAfterOrEqualTo(Instant.ofEpochMilli(lastBoundary));
  }

  /**
   * Waits until the processor group is stable with {@code instances} members that each own input
   * partitions; returns the partitions by instance.
   */
  private static Map<String, Set<Integer>> awaitEveryInstanceOwnsInputs(
      FailureRun run, int instances) {
    Map<String, Set<Integer>> seen = new TreeMap<>();
    try {
      await("each of " + instances + " instances owns input partitions")
          .atMost(REPORTED)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                seen.clear();
                seen.putAll(run.inputPartitionsByInstance());
                return seen.size() == instances && seen.values().stream().noneMatch(Set::isEmpty);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("input partitions by instance, last seen: " + seen, e);
    }
    return new TreeMap<>(seen);
  }

  /** The instance whose partitions go quiet: the owner of partition 0, the same in every run. */
  private static String quietInstance(Map<String, Set<Integer>> partitionsByInstance) {
    return partitionsByInstance.entrySet().stream()
        .filter(e -> e.getValue().contains(0))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  /** Waits until the detector has evaluated {@code boundary}; returns the last one evaluated. */
  private static long awaitEvaluatedUntil(FailureRun run, long boundary) {
    long[] last = {-1};
    try {
      await("the detector evaluates " + Instant.ofEpochMilli(boundary))
          .atMost(EVALUATED)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                last[0] = run.evaluatedUntil();
                return last[0] >= boundary;
              });
    } catch (ConditionTimeoutException e) {
      return last[0]; // the assertion on it says how far the detector got
    }
    return last[0];
  }

  private static String describe(RollbackSignal s) {
    return FailureTable.canonical(s) + " " + FailureTable.evidence(s);
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
      String fault, int injected, FailureRun.Outcome outcome, String test) throws Exception {
    FailureRun.Outcome reference = reference();
    System.out.printf("failure suite: %s: run %.1f s%n", fault, outcome.wall().toMillis() / 1e3);
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
