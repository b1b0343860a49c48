package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The failure suite, processor side, on the real broker and registry: the stream processor as
 * {@code crashwatch process} in JVMs of its own, SIGKILLed at seeded points of a small scenario and
 * restarted, or run as several instances of one application of which one is killed and brought
 * back. The reference is the same scenario's uninterrupted single-instance run, in the same test
 * run; the signals (id and action, what a consumer acts on and de-duplicates by) must be the same:
 * none lost, none doubled, none invented. Signals whose evidence differs from the reference's (the
 * same decision taken at another evaluation) are counted in the table's "other evidence" column and
 * printed: after a restart the watermark is rebuilt from the next ticks, so a decision can fall on
 * a later evaluation, with the figures of that moment.
 */
class ProcessorCrashIT {

  private static final Path SCENARIO = Path.of("../scenarios/channel-file-291.json");
  private static final int DEVICES = 3_000;
  private static final int PARTITIONS = 6;
  private static final long SEED = 20240719L;
  private static final Duration STEP = Duration.ofMinutes(1);

  private static Scenario scenario;
  private static FailureRun.Outcome reference;
  private static int steps;

  @BeforeAll
  static void referenceRun() throws Exception {
    scenario = ScenarioLoader.load(SCENARIO).withDevices(DEVICES);
    steps = (int) (scenario.duration().toMinutes() / STEP.toMinutes());
    try (FailureRun run = new FailureRun("reference", PARTITIONS)) {
      run.startInstance(0);
      reference = run.replay(scenario, STEP, FailureRun.NONE);
    }
    assertThat(reference.signals()).as("the reference run raises signals to compare").isNotEmpty();
  }

  @Test
  void processorSigkilledAtSeededPointsAndRestarted() throws Exception {
    Set<Integer> killAt = points(new Random(SEED), 3);
    FailureRun.Outcome outcome;
    try (FailureRun run = new FailureRun("crash", PARTITIONS)) {
      run.startInstance(0);
      outcome =
          run.replay(
              scenario,
              STEP,
              (step, reached, r) -> {
                if (killAt.contains(step)) {
                  r.kill(0);
                  r.startInstance(0);
                }
              });
    }
    compare(
        "processor SIGKILL at seeded points, restarted",
        killAt.size(),
        outcome,
        "ProcessorCrashIT#processorSigkilledAtSeededPointsAndRestarted");
  }

  @Test
  void threeInstancesOneKilledMidRunAndBroughtBack() throws Exception {
    List<Duration> failover = new ArrayList<>();
    FailureRun.Outcome outcome;
    try (FailureRun run = new FailureRun("scale3", PARTITIONS)) {
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
    compare(
        "3 instances, one SIGKILLed mid-run and brought back",
        1,
        outcome,
        "ProcessorCrashIT#threeInstancesOneKilledMidRunAndBroughtBack");
  }

  private static Set<Integer> points(Random random, int count) {
    Set<Integer> out = new TreeSet<>();
    while (out.size() < count) {
      out.add(5 + random.nextInt(Math.max(1, steps - 10)));
    }
    return out;
  }

  private static void compare(String fault, int injected, FailureRun.Outcome outcome, String test) {
    List<String> lost = FailureTable.lost(reference.signals(), outcome.signals());
    List<String> extra = FailureTable.duplicatedOrInvented(reference.signals(), outcome.signals());
    List<String> otherEvidence = FailureTable.otherEvidence(reference.signals(), outcome.signals());
    otherEvidence.forEach(d -> System.out.println("failure suite: other evidence: " + d));
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
    assertThat(outcome.eventsIn()).isEqualTo(reference.eventsIn());
    assertThat(lost).as("signals lost").isEmpty();
    assertThat(extra).as("signals doubled or invented").isEmpty();
  }
}
