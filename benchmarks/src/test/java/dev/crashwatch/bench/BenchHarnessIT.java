package dev.crashwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short smoke run of each benchmark's harness on a real broker and registry (each starts the
 * embedded stack it measures on), with tiny sizes: that the figures come out and are printed. The
 * figures themselves mean nothing at this size; {@code ./crashwatch bench all} measures.
 */
class BenchHarnessIT {

  @TempDir Path dir;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @Test
  void processorThroughputMeasuresTheProcessorItsPeersAndTheCeilingOnTheSameRecords()
      throws Exception {
    var scenario =
        ScenarioLoader.load(Path.of("../scenarios/channel-file-291.json")).withDevices(200);
    ProcessorThroughput.Result r =
        new ProcessorThroughput(
                out, dir, Map.of(), List.of(Map.of("kafka.commit.interval.ms", "100")))
            .run(scenario, 2, 1, true);

    String text = printed.toString(StandardCharsets.UTF_8);
    assertThat(r.ceilingMedian()).isPositive();
    assertThat(r.processorMedian()).isPositive();
    // one run: its ratio is that run's processor against that run's ceiling
    assertThat(r.ratio()).isEqualTo(r.processorMedian() / r.ceilingMedian());
    assertThat(r.peers())
        .extracting(ProcessorThroughput.PeerFigure::name)
        .containsExactly(
            "Kafka Streams alone",
            "Kafka Streams with a device store",
            "Kafka Streams with the device-state format");
    assertThat(r.peers())
        .allSatisfy(
            peer -> {
              assertThat(peer.median()).isPositive();
              assertThat(peer.ratio()).isEqualTo(peer.median() / r.ceilingMedian());
            });
    assertThat(text)
        .contains("machine: ")
        .contains("warm-up: ceiling")
        .contains("warm-up: processor")
        .contains("warm-up: Kafka Streams alone")
        .contains("run 1: Kafka Streams alone")
        .contains("Kafka Streams alone (the processor's configuration, decoding only): median")
        .contains("warm-up: Kafka Streams with a device store")
        .contains("run 1: Kafka Streams with the device-state format")
        // the peers' stores are logged: their changelogs' records per event are printed
        .containsPattern("bench-device-store-1: .*device-last-seen-changelog \\d\\.\\d{3}")
        .containsPattern("bench-device-format-1: .*device-state-format-changelog \\d\\.\\d{3}")
        .contains("Kafka Streams with a device store (decoding, a read of the device's entry")
        .contains("profiled run: processor")
        .contains("processor throughput: median")
        .contains("median of the 1 runs' ratios")
        .contains("with {kafka.commit.interval.ms=100}: median")
        .contains("by area of the top frame")
        .contains("stream threads' CPU");
    assertThat(dir.resolve("bench-profile.jfr")).exists();
  }

  @Test
  void aRefusedVariantStopsTheRunBeforeAnyRecordIsPreloaded() {
    var scenario =
        ScenarioLoader.load(Path.of("../scenarios/channel-file-291.json")).withDevices(200);
    var throughput =
        new ProcessorThroughput(
            out, dir, Map.of(), List.of(Map.of("kafka.processing.guarantee", "at_least_once")));

    assertThatThrownBy(() -> throughput.run(scenario, 2, 1, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.processing.guarantee");
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("preloading");
  }

  @Test
  void serdeComparisonRunsBothSidesUnderJmh() throws Exception {
    // forks 0: in this JVM, one warm-up and one measured second per benchmark
    SerdeComparison.Result r = new SerdeComparison(out, dir).run(0, 1, 1);

    assertThat(r.serializeRatio()).isPositive();
    assertThat(r.deserializeRatio()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("serialize   serde ")
        .contains("deserialize serde ");
  }

  @Test
  void emitterFootprintMeasuresTheEmitterStartedFromItsOwnJar() throws Exception {
    EmitterFootprint.Result r =
        new EmitterFootprint(
                out, dir, Path.of("..").resolve(EmitterFootprintCommand.DEFAULT_EMITTER_JAR))
            .run(
                1,
                Duration.ofSeconds(2),
                "@" + Path.of("..").resolve(EmitterFootprintCommand.DEFAULT_JVM_OPTIONS_FILE),
                EmitterFootprintCommand.BASELINE_JAVA_OPTIONS);

    assertThat(r.startSeconds()).isPositive();
    assertThat(r.rssMib()).isPositive();
    // /proc counts CPU in 10 ms ticks: an idle emitter can show none in a 2-second interval
    assertThat(r.cpuSecondsPerHour()).isNotNegative();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("emitter jar ")
        .contains(" -jar " + Path.of("..").resolve(EmitterFootprintCommand.DEFAULT_EMITTER_JAR))
        .contains("emitter footprint (java @")
        .contains("baseline footprint (java -Xmx64m")
        .contains("CPU in the interval by thread (ms): ")
        .containsPattern(
            "native memory tracking \\(MiB\\), RSS [0-9.]+, [0-9,]+ classes loaded: Total [0-9.]+;"
                + " Java Heap");
    assertThat(Files.readString(dir.resolve("bench-emitter-1.out"))).contains("booted");
  }

  @Test
  void detectorCostMeasuresTheProductionDetectorOnTheShapesInput() throws Exception {
    DetectorFleetShape shape =
        new DetectorFleetShape(20_000, 4, 3, 3, 4, 0.01, 5, 2, 6, Duration.ofMinutes(1));
    DetectorCost.Result r = new DetectorCost(out, dir).run(shape, 1);

    String text = printed.toString(StandardCharsets.UTF_8);
    // the process's CPU counts in 10 ms ticks: at this size a span can show none; the thread's is
    // in nanoseconds
    assertThat(r.threadPerRecordMicros()).isPositive();
    assertThat(r.perRecordMicros()).isNotNegative();
    assertThat(r.perEvaluationMillis()).isNotNegative();
    assertThat(r.shareFullScale())
        .isEqualTo(
            DetectorCost.share(
                shape,
                DetectorCost.FULL_SCALE_SPEED,
                r.perRecordMicros(),
                r.perEvaluationMillis()));
    // the faulty versions crash thirty times as often: the detector signals them, so blame ran
    assertThat(r.signalledVersions()).isEqualTo(2);
    assertThat(text)
        .contains("machine: ")
        .contains("fleet shape: 20,000 devices; 4 components x 3 versions = 12 live versions")
        .contains("54 pair keys")
        .contains("with the vendor-health snapshot")
        .contains("detector share of one core")
        .contains("verdict: the single-partition detector ");
  }
}
