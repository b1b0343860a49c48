package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.processor.state.StatsKey;
import dev.crashwatch.processor.state.VersionKey;
import dev.crashwatch.processor.state.VersionStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * When the detector evaluates, on the production topology: at the interval boundaries the watermark
 * of its upstream tasks crosses, each once, whatever the order in which those tasks' ticks arrive
 * and whatever times within an interval they carry. The ticks are fed straight into the detector's
 * input (two upstream tasks), as the version-stats tasks send them; each evaluation shows as one
 * version-health snapshot at its time, the end of the window it covers (just before the boundary).
 */
class EvaluationTimesTest {

  private static final StatsKey VERSION = VersionKey.of("acme.sensor-content", "291");

  /** A tick of upstream task {@code partition} at {@code time}. */
  private record Tick(int partition, Instant time) {}

  @Test
  void theSameTicksInAnotherOrderAndAtOtherTimesGiveTheSameEvaluations() throws Exception {
    List<Instant> one =
        evaluations(
            List.of(
                new Tick(0, t(1).plusMillis(500)),
                new Tick(1, t(1).plusMillis(1_200)),
                new Tick(0, t(2).plusMillis(100)),
                new Tick(1, t(2).plusMillis(300))));
    List<Instant> other =
        evaluations(
            List.of(
                new Tick(1, t(1).plusMillis(40_000)),
                new Tick(0, t(1).plusMillis(100)),
                new Tick(1, t(2).plusMillis(900)),
                new Tick(0, t(2).plusMillis(20_000))));
    assertThat(one).containsExactly(justBefore(t(1)), justBefore(t(2)));
    assertThat(other).isEqualTo(one);
  }

  @Test
  void aWatermarkThatJumpsEvaluatesEveryBoundaryItCrosses() throws Exception {
    // a restarted or slow task catching up moves the watermark several intervals at once: the
    // evaluations (and the state machine's streaks) must not depend on how far one tick moves it
    assertThat(
            evaluations(
                List.of(
                    new Tick(0, t(1)),
                    new Tick(1, t(1)),
                    new Tick(0, t(4).plusMillis(700)),
                    new Tick(1, t(4).plusMillis(200)))))
        .containsExactly(justBefore(t(1)), justBefore(t(2)), justBefore(t(3)), justBefore(t(4)));
  }

  /** An evaluation at boundary {@code b} covers the window that ends just before it. */
  private static Instant justBefore(Instant b) {
    return b.minusMillis(1);
  }

  /** The times of the evaluations that {@code ticks} cause, after one version's figures. */
  private static List<Instant> evaluations(List<Tick> ticks) throws Exception {
    try (TopologyFixture fx = new TopologyFixture()) {
      InternalAvroSerde<StatsKey> keys = new InternalAvroSerde<>(StatsKey.class);
      InternalAvroSerde<VersionStats> values = new InternalAvroSerde<>(VersionStats.class);
      TestInputTopic<StatsKey, VersionStats> detectorInput =
          fx.driver.createInputTopic(
              fx.applicationId + "-" + CrashwatchTopology.DETECTOR_INPUT + "-repartition",
              keys.serializer(),
              values.serializer());
      detectorInput.pipeInput(
          VERSION,
          VersionStats.newBuilder().setExposedByRing(Map.of("canary", 500L)).build(),
          t(1));
      for (Tick tick : ticks) {
        detectorInput.pipeInput(
            SourceWatermark.tick(tick.partition()), VersionStats.newBuilder().build(), tick.time());
      }
      return fx.versionHealth.readValuesToList().stream()
          .map(VersionHealth::getSnapshotTime)
          .toList();
    }
  }
}
