package dev.crashwatch.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench all}: every benchmark with its defaults, one after the other (about 25 minutes on
 * the project's 2-core machine), then a summary of each figure against its target.
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
            common, Path.of("scenarios/channel-file-291.json"), null, 6, Map.of(), List.of(), true);
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
                EmitterFootprintCommand.DEFAULT_JAVA_OPTIONS);
    System.out.println();
    System.out.println("summary (medians; each against its target):");
    System.out.printf(
        "  processor throughput  %,.0f events/s, %.3f of the raw-consumer ceiling (target >= %.2f)%n",
        processor.processorMedian(), processor.ratio(), ProcessorThroughput.TARGET_RATIO);
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
    return 0;
  }
}
