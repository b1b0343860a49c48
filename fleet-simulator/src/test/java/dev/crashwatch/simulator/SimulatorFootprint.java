package dev.crashwatch.simulator;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;

/**
 * The simulator alone, without Kafka: how fast it generates the events of a scenario and how much
 * heap it keeps live (measured after a full collection every 15 simulated minutes), into a sink
 * that only counts. The ceiling it prints is the same count of empty sink calls, to show what the
 * generation itself costs. Not a test: a benchmark that prints figures.
 *
 * <p>Usage: {@code SimulatorFootprint [scenario file] [devices]} (default: the July 19 fleet at
 * 200,000 devices).
 */
public final class SimulatorFootprint {

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "../scenarios/july19-full-scale.json");
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    Scenario scenario = ScenarioLoader.load(file).withDevices(devices);
    long[] counted = new long[1];
    WireSink counting =
        new WireSink() {
          @Override
          public void send(Boot boot) {
            counted[0]++;
          }

          @Override
          public void send(Crash crash) {
            counted[0]++;
          }

          @Override
          public void send(SensorHeartbeat heartbeat) {
            counted[0]++;
          }

          @Override
          public void send(String topic, String device, SpecificRecord event, long arrival) {
            counted[0]++;
          }

          @Override
          public void sendRaw(String topic, byte[] key, byte[] value, long timestamp) {
            counted[0]++;
          }

          @Override
          public void flush() {}
        };
    long[] peakLive = new long[1];
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    long[] gcNanos = new long[1];
    SimulationResult result =
        new FleetSimulator(scenario, counting, Topics.defaults())
            .run(
                Duration.ofMinutes(15),
                at -> {
                  long t = System.nanoTime();
                  System.gc();
                  long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  peakLive[0] = Math.max(peakLive[0], live);
                  gcNanos[0] += System.nanoTime() - t;
                });
    double seconds = (System.nanoTime() - start - gcNanos[0]) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
    System.out.printf(
        "simulator alone: %s, %,d devices, %,d events (%,d to the sink) in %.1f s: %,.0f events/s;"
            + " %.1f s of CPU (all threads, the measuring collections included);"
            + " peak live heap %.0f MiB (%.0f bytes per device); %d cores, Java %s%n",
        scenario.name(),
        devices,
        result.events(),
        counted[0],
        seconds,
        result.events() / seconds,
        cpuSeconds,
        peakLive[0] / (double) (1 << 20),
        peakLive[0] / (double) devices,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
  }
}
