package dev.crashwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Pins every event the simulator produces for two reference scenarios (small fleets), by a digest
 * of the events in order: a change to how the simulator holds its devices, timers and pending
 * reports must not change what it sends. A change that means to change the events (a new draw of
 * the seeded generator) updates the digests here, and says so. Last change: record timestamps are
 * the simulated delivery time (the arrival), no longer the device's skewed clock; the events and
 * their order are the same.
 */
class EventStreamPinTest {

  private static String digest(String file, int devices) throws Exception {
    Scenario scenario = ScenarioLoader.load(Path.of("..", "scenarios", file)).withDevices(devices);
    RecordingSink sink = new RecordingSink();
    SimulationResult result =
        new FleetSimulator(scenario, sink, Topics.defaults()).run(Duration.ofHours(1), at -> {});
    return digest(sink, result);
  }

  /** The count of events and a digest of every record {@code sink} got, in order. */
  static String digest(RecordingSink sink, SimulationResult result) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (RecordingSink.Sent s : sink.sent) {
      sha.update(s.topic().getBytes(StandardCharsets.UTF_8));
      sha.update(Long.toString(s.timestamp()).getBytes(StandardCharsets.UTF_8));
      sha.update(
          s.event() == null ? s.raw() : canonical(s.event()).getBytes(StandardCharsets.UTF_8));
    }
    return result.events() + " " + HexFormat.of().formatHex(sha.digest());
  }

  /** Every field in schema order, maps sorted by key (Map.copyOf's order differs per JVM). */
  private static String canonical(SpecificRecord event) {
    StringBuilder s = new StringBuilder(event.getSchema().getName());
    for (Schema.Field f : event.getSchema().getFields()) {
      Object value = event.get(f.pos());
      s.append('|').append(value instanceof Map<?, ?> m ? new TreeMap<>(m) : value);
    }
    return s.toString();
  }

  @Test
  void theReferenceScenarioSendsTheEventsItAlwaysSent() throws Exception {
    assertThat(digest("channel-file-291.json", 3_000))
        .isEqualTo("93351 1fe90c980b0745172cfd16885ede9abc4018dcfa485117610a26994452f5a599");
  }

  @Test
  void theTamperingScenarioSendsTheEventsItAlwaysSent() throws Exception {
    assertThat(digest("sensor-tampering-in-a-tenant.json", 2_000))
        .isEqualTo("19718 00f2c56e7839acb8f8b17adcfb8015b991bf7a63a702fdcdf05a63c5390dee84");
  }

  @Test
  void theJuly19FleetSendsTheEventsItAlwaysSent() throws Exception {
    assertThat(digest("july19-full-scale.json", 2_000))
        .isEqualTo("95807 a9c3c00c92dc7af3424cef5569eb3381930d59be3ba32e3a6dac6db58d7f3223");
  }
}
