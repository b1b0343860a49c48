package dev.crashwatch.processor;

import static dev.crashwatch.processor.TestEvents.boot;
import static dev.crashwatch.processor.TestEvents.heartbeat;
import static dev.crashwatch.processor.TestEvents.t;
import static dev.crashwatch.processor.TestEvents.versions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.processor.metrics.PipelineMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code crashwatch.records.behind.stream.time}: an input record read after a record of a later
 * time in its task is counted, by topic; records read in time order, across topics, are not.
 */
class ReadOrderTopologyTest {

  private static final Map<String, String> FLEET =
      versions("acme.sensor", "7.11", "acme.sensor-content", "290", "windows", "22631");

  private static double behind(TopologyFixture fx, String topic) {
    var counter =
        fx.meters.find(PipelineMetrics.RECORDS_BEHIND_STREAM_TIME).tag("topic", topic).counter();
    assertThat(counter).as("the counter of %s, registered at its first record", topic).isNotNull();
    return counter.count();
  }

  @Test
  void recordsInTimeOrderAcrossTopicsAreNotBehind() throws Exception {
    try (TopologyFixture fx = new TopologyFixture()) {
      fx.pipe(boot("device-1", "canary", t(1), FLEET));
      fx.pipe(heartbeat("device-1", "canary", t(2), FLEET));
      fx.pipe(boot("device-2", "canary", t(3), FLEET));

      assertThat(behind(fx, fx.topics.boots())).isZero();
      assertThat(behind(fx, fx.topics.heartbeats())).isZero();
    }
  }

  @Test
  void aRecordReadAfterALaterOneOfAnotherTopicIsBehind() throws Exception {
    try (TopologyFixture fx = new TopologyFixture()) {
      fx.pipe(heartbeat("device-1", "canary", t(10), FLEET));
      fx.pipe(boot("device-2", "canary", t(5), FLEET));
      fx.pipe(boot("device-3", "canary", t(11), FLEET));

      assertThat(behind(fx, fx.topics.boots())).isEqualTo(1.0);
      assertThat(behind(fx, fx.topics.heartbeats())).isZero();
    }
  }
}
