package dev.crashwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The closed loop of {@code controller: true}: the simulator waits for the pipeline at every step,
 * never sends past the step it waits at, halts a signalled rollout's later waves and rolls the
 * version back. The pipeline here is a script that signals ROLLBACK once it has seen a faulty crash
 * report, so that the test is about the loop, not about detection.
 */
class RolloutControllerTest {

  private static final Instant START = Instant.parse("2024-07-19T03:30:00Z");
  private static final Instant BROAD_WAVE = START.plus(Duration.ofMinutes(80));

  private static final String SCENARIO =
      """
      {"name": "t", "seed": 7, "start": "2024-07-19T03:30:00Z", "duration": "PT2H",
       "fleet": {"devices": 2000, "tenants": 4,
         "rings": [{"name": "canary", "share": 0.1}, {"name": "broad", "share": 0.9}],
         "heartbeatEvery": "PT10M", "baselineCrashesPerDeviceDay": 0,
         "components": [
           {"id": "acme.sensor", "vendor": "acme", "module": "acmesensor.sys", "mode": "kernel",
            "versions": [{"version": "7.11", "share": 0.5}, {"version": "7.10", "share": 0.5}]},
           {"id": "acme.sensor-content", "vendor": "acme", "module": "acmesensor.sys",
            "mode": "kernel", "versions": [{"version": "290", "share": 1.0}]}]},
       "rollouts": [{"component": "acme.sensor-content", "version": "291",
         "waves": [{"ring": "canary", "at": "PT20M"}, {"ring": "broad", "at": "PT80M"}],
         "spreadOver": "PT10M",
         "fault": {"crashProbability": 1.0, "after": "PT1M..PT2M", "loop": true,
                   "bugcheck": "0x50", "module": "acmesensor.sys",
                   "onlyWith": {"acme.sensor": ["7.11"]}}}],
       "controller": true}
      """;

  /** Signals ROLLBACK 291 at the first step at which a crash report has been sent. */
  private static final class ScriptedPipeline implements PipelineFeedback {
    final RecordingSink sink;
    final List<Instant> steps = new ArrayList<>();
    final List<Long> latestSentAtStep = new ArrayList<>();
    Instant signalledAt;
    SimulationResult result;

    ScriptedPipeline(RecordingSink sink) {
      this.sink = sink;
    }

    @Override
    public List<ObservedSignal> awaitProcessed(Instant reached) {
      steps.add(reached);
      latestSentAtStep.add(
          sink.sent.stream().mapToLong(RecordingSink.Sent::timestamp).max().orElse(0));
      if (signalledAt == null && !sink.events(Crash.class).isEmpty()) {
        signalledAt = reached;
      }
      return signalledAt == null
          ? List.of()
          : List.of(
              new ObservedSignal("acme.sensor-content", "291", "ROLLBACK", signalledAt, reached));
    }
  }

  @Test
  void theClosedLoopSendsTheEventsItAlwaysSent() throws Exception {
    ScriptedPipeline pipeline = run(true);
    assertThat(EventStreamPinTest.digest(pipeline.sink, pipeline.result))
        .isEqualTo("25197 49c5228e4f2054ceabecd3e91735a5a8c9eb505dffa085f118173c4816447063");
  }

  private static ScriptedPipeline run(boolean controller) {
    Scenario s = ScenarioLoader.parse(SCENARIO, "test.json");
    RecordingSink sink = new RecordingSink();
    ScriptedPipeline pipeline = new ScriptedPipeline(sink);
    SimulationResult result =
        new FleetSimulator(s, sink, Topics.defaults())
            .inLockStep(pipeline, Duration.ofMinutes(1), controller)
            .run(Duration.ofHours(1), at -> {});
    assertThat(result.moments()).isNotEmpty();
    pipeline.result = result;
    return pipeline;
  }

  @Test
  void waitsForThePipelineEveryStepAndNeverSendsPastIt() {
    ScriptedPipeline pipeline = run(true);
    // one wait per simulated minute (and one at the end)
    assertThat(pipeline.steps).hasSizeGreaterThanOrEqualTo(120);
    for (int i = 0; i < pipeline.steps.size(); i++) {
      assertThat(pipeline.latestSentAtStep.get(i))
          .isLessThanOrEqualTo(pipeline.steps.get(i).toEpochMilli());
    }
  }

  @Test
  void aRollbackHaltsTheLaterWavesAndPutsThePreviousVersionBack() {
    ScriptedPipeline pipeline = run(true);
    Instant signalled = pipeline.signalledAt;
    assertThat(signalled).isNotNull().isBefore(BROAD_WAVE);
    RecordingSink sink = pipeline.sink;

    // the broad ring never took 291
    assertThat(sink.events(SensorHeartbeat.class))
        .filteredOn(h -> h.getRing().equals("broad"))
        .allSatisfy(h -> assertThat(h.getComponents()).containsEntry("acme.sensor-content", "290"));
    // no faulty crash well after the rollback: up devices revert at once, looping ones at boot
    assertThat(sink.events(Crash.class))
        .allSatisfy(
            c -> assertThat(c.getCrashTime()).isBefore(signalled.plus(Duration.ofMinutes(5))));
    // every canary device that reports after the rollback runs 290 again
    Map<String, SensorHeartbeat> last = new HashMap<>();
    sink.events(SensorHeartbeat.class).forEach(h -> last.put(h.getDeviceId(), h));
    List<SensorHeartbeat> canary =
        last.values().stream().filter(h -> h.getRing().equals("canary")).toList();
    assertThat(canary).hasSizeGreaterThan(100);
    assertThat(canary)
        .allSatisfy(h -> assertThat(h.getComponents()).containsEntry("acme.sensor-content", "290"));
  }

  @Test
  void withoutTheControllerTheSignalChangesNothing() {
    ScriptedPipeline pipeline = run(false);
    assertThat(pipeline.signalledAt).isBefore(BROAD_WAVE);
    assertThat(pipeline.sink.events(Crash.class))
        .anyMatch(c -> c.getRing().equals("broad") && c.getCrashTime().isAfter(BROAD_WAVE));
  }
}
