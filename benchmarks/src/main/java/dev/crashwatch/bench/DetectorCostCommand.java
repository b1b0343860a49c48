package dev.crashwatch.bench;

import dev.crashwatch.processor.ProcessorSettings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench detector}: see {@link DetectorCost}. */
@Command(
    name = "detector",
    mixinStandardHelpOptions = true,
    description =
        "The single-partition detector's share of one core at full scale (8.5 million devices,"
            + " 1,000 live versions): the production topology in TopologyTestDriver, fed the"
            + " detector input such a fleet makes, CPU per record and per evaluation.")
final class DetectorCostCommand implements Callable<Integer> {

  @Mixin BenchOptions common;

  @Option(
      names = "--devices",
      defaultValue = "8500000",
      description = "Devices in the fleet (default: ${DEFAULT-VALUE}).")
  long devices;

  @Option(
      names = "--components",
      defaultValue = "100",
      description = "Components (default: ${DEFAULT-VALUE}).")
  int components;

  @Option(
      names = "--versions",
      defaultValue = "10",
      description = "Live versions of each component (default: ${DEFAULT-VALUE}).")
  int versions;

  @Option(
      names = "--per-device",
      defaultValue = "8",
      description = "Components each device runs (default: ${DEFAULT-VALUE}).")
  int perDevice;

  @Option(
      names = "--changes-per-day",
      defaultValue = "4",
      description =
          "Times a day a device changes what it runs or whether it is away (default:"
              + " ${DEFAULT-VALUE}).")
  double changesPerDay;

  @Option(
      names = "--faulty",
      defaultValue = "3",
      description =
          "Faulty versions, one per component, crashing "
              + "30 times the benign rate, so that blame reads the pair cross counts; 0 is a fleet"
              + " with no candidate, whose evaluations read no pair (default: ${DEFAULT-VALUE}).")
  int faulty;

  @Override
  public Integer call() throws Exception {
    run(common, shape());
    return 0;
  }

  private DetectorFleetShape shape() {
    DetectorFleetShape full =
        DetectorFleetShape.fullScale(
            ProcessorSettings.load(Optional.empty(), Map.of()).detectorInterval());
    return new DetectorFleetShape(
        devices,
        components,
        versions,
        perDevice,
        changesPerDay,
        full.crashesPerDevicePerDay(),
        full.tenants(),
        Math.min(faulty, components),
        full.upstreamTasks(),
        full.interval());
  }

  static DetectorCost.Result run(BenchOptions common, DetectorFleetShape shape) throws Exception {
    return new DetectorCost(System.out, common.dir.resolve("detector")).run(shape, common.runs);
  }

  /** {@code bench all}'s run: the full-scale shape with the defaults. */
  static DetectorCost.Result runDefaults(BenchOptions common) throws Exception {
    return run(
        common,
        DetectorFleetShape.fullScale(
            ProcessorSettings.load(Optional.empty(), Map.of()).detectorInterval()));
  }
}
