package dev.crashwatch.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench all}: every benchmark with its defaults, one after the other (about 50 minutes on
 * the project's 2-core machine, half of it the live-latency runs at real time, then the detector at
 * full scale), then a summary of each figure against its target.
 */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description = "Every benchmark with its defaults, then a summary against the targets.")
final class AllBenchmarks implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Override
  public Integer call() throws Exception {
    ProcessorThroughput.Result processor =
        ProcessorThroughputCommand.run(
            common,
            Path.of("scenarios/channel-file-291.json"),
            null,
            6,
            Map.of(),
            List.of(),
            true,
            true);
    System.out.println();
    SerdeComparison.Result serde =
        new SerdeComparison(System.out, common.dir.resolve("serde")).run(common.runs, 3, 5);
    System.out.println();
    EmitterFootprint.Result emitter =
        new EmitterFootprint(
                System.out,
                common.dir.resolve("emitter"),
                Path.of(EmitterFootprintCommand.DEFAULT_EMITTER_JAR))
            .run(
                common.runs,
                Duration.parse(EmitterFootprintCommand.DEFAULT_HEARTBEAT),
                EmitterFootprintCommand.DEFAULT_JAVA_OPTIONS,
                EmitterFootprintCommand.BASELINE_JAVA_OPTIONS);
    System.out.println();
    LiveLatency.Result latency =
        LiveLatencyCommand.run(common, Path.of(LiveLatencyCommand.DEFAULT_SCENARIO), 1, 6);
    System.out.println();
    DetectorCost.Result detector = DetectorCostCommand.runDefaults(common);
    System.out.println();
    System.out.println("summary (medians; each against its target):");
    System.out.printf(
        "  processor throughput  %,.0f events/s, %.3f of the raw-consumer ceiling (target >= %.2f)%n",
        processor.processorMedian(), processor.ratio(), ProcessorThroughput.TARGET_RATIO);
    for (ProcessorThroughput.PeerFigure peer : processor.peers()) {
      System.out.printf(
          "                        (%s: %.3f of the ceiling)%n", peer.name(), peer.ratio());
    }
    System.out.printf(
        "  serde                 serialize %.2fx, deserialize %.2fx plain Avro's time (target <= %.1f)%n",
        serde.serializeRatio(), serde.deserializeRatio(), SerdeComparison.TARGET_RATIO);
    System.out.printf(
        "  emitter               start %.2f s, RSS %.1f MiB (target <= %d), CPU %.2f s/h (target < %.1f)%n",
        emitter.startSeconds(),
        emitter.rssMib(),
        EmitterFootprint.TARGET_RSS_MIB,
        emitter.cpuSecondsPerHour(),
        EmitterFootprint.TARGET_CPU_SECONDS_PER_HOUR);
    System.out.printf(
        "  live detection        HALT %.1f s (p95 %.1f s) after the evidence sufficed, %.1f s after"
            + " the first faulty crash (target <= %d s)%n",
        latency.fromEvidenceMedian(),
        latency.fromEvidenceP95(),
        latency.fromFirstCrashMedian(),
        LiveLatency.TARGET.toSeconds());
    System.out.printf(
        "  detector at full scale %.2f of one core at %.0fx real time, %.3f at real time (target"
            + " <= %.2f: not the bottleneck)%n",
        detector.shareFullScale(),
        DetectorCost.FULL_SCALE_SPEED,
        detector.shareRealTime(),
        DetectorCost.NOT_THE_BOTTLENECK);
    return 0;
  }
}
