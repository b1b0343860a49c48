package dev.crashwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short smoke run of the live-latency harness on its own real broker and registry: the
 * benchmark's scenario at 60 times real time, one run. The figures mean little at that speed;
 * {@code ./crashwatch bench latency} measures at real time.
 */
class LiveLatencyIT {

  @TempDir Path dir;

  @Test
  void timesTheHaltFromTheFirstFaultyCrashAndFromTheEvidence() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    var scenario = ScenarioLoader.load(Path.of("..").resolve(LiveLatencyCommand.DEFAULT_SCENARIO));

    LiveLatency.Result r = new LiveLatency(out, dir).run(scenario, 1, 60, 2);

    LiveLatency.Run run = r.runs().get(0);
    assertThat(run.target()).isEqualTo("acme.sensor-content@291");
    assertThat(run.decisionTime()).isAfter(run.firstCrash());
    // the HALT is consumed after the boundary it was decided at has passed, and that boundary
    // comes after the first faulty crash
    assertThat(run.fromEvidenceSeconds()).isPositive();
    assertThat(run.fromFirstCrashSeconds()).isGreaterThan(run.fromEvidenceSeconds());
    assertThat(run.otherSignals()).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("machine: ")
        .contains("live detection latency over 1 runs");
  }
}
