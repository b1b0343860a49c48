package dev.crashwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Each scenario field has the effect FORMAT.md describes, counted in the events it produces. */
class FleetSimulatorTest {

  private static final Instant START = Instant.parse("2024-07-19T03:30:00Z");

  /** A small fleet with a faulty content update in two rings; fields replaced per test. */
  private static String scenario(String rollouts, String incidents, String telemetry) {
    return """
        {"name": "t", "seed": 7, "start": "2024-07-19T03:30:00Z", "duration": "PT2H",
         "fleet": {"devices": 2000, "tenants": 4,
           "rings": [{"name": "canary", "share": 0.1}, {"name": "broad", "share": 0.9}],
           "heartbeatEvery": "PT10M", "baselineCrashesPerDeviceDay": 0,
           "components": [
             {"id": "acme.sensor", "vendor": "acme", "module": "acmesensor.sys", "mode": "kernel",
              "versions": [{"version": "7.11", "share": 0.5}, {"version": "7.10", "share": 0.5}]},
             {"id": "acme.sensor-content", "vendor": "acme", "module": "acmesensor.sys", "mode": "kernel",
              "versions": [{"version": "290", "share": 1.0}]},
             {"id": "windows", "vendor": "microsoft",
              "versions": [{"version": "A", "share": 0.5}, {"version": "B", "share": 0.5}]}]},
         "rollouts": %s, "incidents": %s, "telemetry": %s}
        """
        .formatted(rollouts, incidents, telemetry);
  }

  private static final String FAULTY_ROLLOUT =
      """
      [{"component": "acme.sensor-content", "version": "291",
        "waves": [{"ring": "canary", "at": "PT20M"}, {"ring": "broad", "at": "PT80M"}],
        "spreadOver": "PT10M",
        "fault": {"crashProbability": 1.0, "after": "PT1M..PT2M", "loop": true, "bugcheck": "0x50",
                  "module": "acmesensor.sys", "onlyWith": {"acme.sensor": ["7.11"]}}}]
      """;

  private static RecordingSink run(String json) {
    Scenario s = ScenarioLoader.parse(json, "test.json");
    RecordingSink sink = new RecordingSink();
    new FleetSimulator(s, sink, Topics.defaults()).run(Duration.ofHours(1), at -> {});
    return sink;
  }

  /**
   * Without lock-step a paced run is a live fleet: no record leaves before wall time reaches its
   * simulated arrival (a live-latency measurement counts from there), and the run takes about the
   * scenario's length over the speed.
   */
  @Test
  void aPacedRunWithoutLockStepSendsNothingAheadOfItsTime() {
    double speed = 2400; // two simulated hours in three seconds of wall time
    Scenario s =
        ScenarioLoader.parse(
            scenario(FAULTY_ROLLOUT, "[]", "{}").replace("\"devices\": 2000", "\"devices\": 300"),
            "test.json");
    List<long[]> sentAt = new ArrayList<>(); // {arrival ms, wall nanos when sent}
    WireSink timed =
        new WireSink() {
          @Override
          public void send(String topic, String device, SpecificRecord event, long arrival) {
            sentAt.add(new long[] {arrival, System.nanoTime()});
          }

          @Override
          public void send(Boot boot) {
            throw new AssertionError("the simulator sends through send(topic, device, ...)");
          }

          @Override
          public void send(Crash crash) {
            throw new AssertionError("the simulator sends through send(topic, device, ...)");
          }

          @Override
          public void send(SensorHeartbeat heartbeat) {
            throw new AssertionError("the simulator sends through send(topic, device, ...)");
          }

          @Override
          public void sendRaw(String topic, byte[] key, byte[] value, long timestamp) {
            sentAt.add(new long[] {timestamp, System.nanoTime()});
          }

          @Override
          public void flush() {}
        };
    FleetSimulator simulator = new FleetSimulator(s, timed, Topics.defaults()).atSpeed(speed);
    SimulationResult result = simulator.run(Duration.ofHours(1), at -> {});

    assertThat(sentAt).hasSizeGreaterThan(1_000);
    long oneMs = 1_000_000;
    List<long[]> early =
        sentAt.stream()
            .filter(a -> a[1] < simulator.wallNanosAt(Instant.ofEpochMilli(a[0])) - oneMs)
            .toList();
    assertThat(early).as("records sent before their simulated arrival").isEmpty();
    // the last event falls before the scenario's end, and up to a millisecond early is on time
    assertThat(result.wallTime())
        .isGreaterThan(Duration.ofMillis((long) (0.9 * s.duration().toMillis() / speed)));
  }

  @Test
  void theSameSeedGivesTheSameEvents() {
    String json = scenario(FAULTY_ROLLOUT, "[]", "{\"duplicates\": 0.1, \"malformed\": 0.01}");
    List<Object> first =
        run(json).sent.stream().map(s -> s.event() == null ? "raw" : s.event()).toList();
    List<Object> second =
        run(json).sent.stream().map(s -> s.event() == null ? "raw" : s.event()).toList();
    assertThat(first).hasSizeGreaterThan(10_000).isEqualTo(second);
    List<Object> otherSeed =
        run(json.replace("\"seed\": 7", "\"seed\": 8")).sent.stream()
            .map(s -> s.event() == null ? "raw" : s.event())
            .toList();
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void aFaultCrashesOnlyDevicesWithTheVersionAndItsOnlyWithAfterTheirWave() {
    RecordingSink sink = run(scenario(FAULTY_ROLLOUT, "[]", "{}"));
    List<Crash> crashes = sink.events(Crash.class);
    assertThat(crashes).isNotEmpty();
    assertThat(crashes)
        .allSatisfy(
            c -> {
              assertThat(c.getComponents()).containsEntry("acme.sensor-content", "291");
              assertThat(c.getComponents()).containsEntry("acme.sensor", "7.11");
              assertThat(c.getBugcheckCode()).isEqualTo("0x50");
              Instant waveStart =
                  START.plus(Duration.ofMinutes(c.getRing().equals("canary") ? 20 : 80));
              assertThat(c.getCrashTime()).isAfter(waveStart);
            });
    // loop: true — devices crash again and again.
    Map<String, Long> perDevice =
        crashes.stream().collect(Collectors.groupingBy(Crash::getDeviceId, Collectors.counting()));
    assertThat(perDevice.values().stream().mapToLong(Long::longValue).max().orElse(0))
        .isGreaterThan(3);
    // Boots after a crash say so.
    assertThat(sink.events(Boot.class))
        .filteredOn(b -> b.getPreviousShutdown() == ShutdownKind.CRASH)
        .hasSizeGreaterThanOrEqualTo(perDevice.size());
  }

  /**
   * Reports list the crashed devices per ring in the fleet's ring order, the same in every JVM
   * (with {@code Map.copyOf} the order of six rings changed from one run to the next).
   */
  @Test
  void crashedDevicesPerRingComeInTheFleetsRingOrder() {
    List<String> rings = List.of("canary", "early", "broad", "late", "last", "holdouts");
    String json =
        scenario(FAULTY_ROLLOUT, "[]", "{}")
            .replace(
                "[{\"name\": \"canary\", \"share\": 0.1}, {\"name\": \"broad\", \"share\": 0.9}]",
                rings.stream()
                    .map(r -> "{\"name\": \"" + r + "\", \"share\": 0.1}")
                    .collect(Collectors.joining(", ", "[", "]"))
                    .replace("\"holdouts\", \"share\": 0.1", "\"holdouts\", \"share\": 0.5"))
            .replace(
                "{\"ring\": \"broad\", \"at\": \"PT80M\"}",
                "{\"ring\": \"late\", \"at\": \"PT30M\"}");
    Scenario s = ScenarioLoader.parse(json, "test.json");
    SimulationResult result =
        new FleetSimulator(s, new RecordingSink(), Topics.defaults())
            .run(Duration.ofHours(1), at -> {});
    assertThat(result.crashedDevicesByRing().keySet()).containsExactlyElementsOf(rings);
    assertThat(result.crashedDevicesByRing().get("canary")).isPositive();
    assertThat(result.crashedDevicesByRing().get("late")).isPositive();
    assertThat(result.crashedDevicesByRing().get("early")).isZero();
  }

  @Test
  void baselineCrashesHitOnlyDevicesThatHaveBooted() {
    // boots spread over the first 30 minutes; 50 crashes per device-day hit some devices before
    String json =
        scenario("[]", "[]", "{}")
            .replace("\"baselineCrashesPerDeviceDay\": 0", "\"baselineCrashesPerDeviceDay\": 50")
            .replace("\"heartbeatEvery\": \"PT10M\"", "\"heartbeatEvery\": \"PT30M\"");
    RecordingSink sink = run(json);
    Set<String> boots = new HashSet<>();
    List<Crash> crashes = new java.util.ArrayList<>();
    for (RecordingSink.Sent sent : sink.sent) {
      if (sent.event() instanceof Boot b) {
        boots.add(b.getBootId());
      } else if (sent.event() instanceof Crash c) {
        crashes.add(c);
      }
    }
    assertThat(crashes).hasSizeGreaterThan(100);
    // a crash report is uploaded after the next boot, so its boot was announced before it
    assertThat(crashes).allSatisfy(c -> assertThat(boots).contains(c.getBootId()));
    assertThat(crashes.get(0).getCrashTime()).isAfter(START);
  }

  @Test
  void lostCrashUploadsAreNeverSent() {
    RecordingSink sink = run(scenario(FAULTY_ROLLOUT, "[]", "{\"crashUploadLoss\": 1.0}"));
    assertThat(sink.events(Crash.class)).isEmpty();
    // The crashes still happened: their boots report the crash.
    assertThat(sink.events(Boot.class))
        .anyMatch(b -> b.getPreviousShutdown() == ShutdownKind.CRASH);
  }

  @Test
  void aPowerOutageIsUnexpectedPowerLossNotACrash() {
    RecordingSink sink =
        run(
            scenario(
                "[]",
                "[{\"kind\": \"powerOutage\", \"tenant\": 1, \"at\": \"PT30M\", \"share\": 1.0}]",
                "{}"));
    List<Boot> powerLoss =
        sink.events(Boot.class).stream()
            .filter(b -> b.getPreviousShutdown() == ShutdownKind.UNEXPECTED_POWER_LOSS)
            .toList();
    assertThat(powerLoss).hasSize(500).allMatch(b -> b.getTenantId().equals("tenant-1"));
    assertThat(sink.events(Crash.class)).isEmpty();
  }

  @Test
  void aCrashWaveHitsOnlyItsVersion() {
    RecordingSink sink =
        run(
            scenario(
                "[]",
                "[{\"kind\": \"crashWave\", \"component\": \"windows\", \"version\": \"A\", \"at\": \"PT30M\","
                    + " \"for\": \"PT30M\", \"crashProbability\": 0.2, \"bugcheck\": \"0x116\","
                    + " \"module\": \"nvlddmkm.sys\"}]",
                "{}"));
    List<Crash> crashes = sink.events(Crash.class);
    assertThat(crashes.size()).isBetween(120, 280); // 20% of about 1000 devices on A
    assertThat(crashes)
        .allSatisfy(
            c -> {
              assertThat(c.getComponents()).containsEntry("windows", "A");
              assertThat(c.getBugcheckCode()).isEqualTo("0x116");
              assertThat(c.getCrashTime())
                  .isBetween(
                      START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofMinutes(60)));
            });
  }

  @Test
  void aNetworkOutageHoldsATenantsEventsAndDeliversThemAfterwards() {
    RecordingSink sink =
        run(
            scenario(
                "[]",
                "[{\"kind\": \"networkOutage\", \"tenant\": 2, \"at\": \"PT30M\", \"for\": \"PT20M\"}]",
                "{}"));
    long from = START.plus(Duration.ofMinutes(30)).toEpochMilli();
    long to = START.plus(Duration.ofMinutes(50)).toEpochMilli();
    List<RecordingSink.Sent> sent = sink.sent;
    // The last heartbeat other tenants sent during the outage (no skew: sent at its own time).
    int lastOtherDuringOutage = -1;
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i).event() instanceof SensorHeartbeat h
          && !h.getTenantId().equals("tenant-2")
          && sent.get(i).timestamp() < to) {
        lastOtherDuringOutage = i;
      }
    }
    // Every tenant-2 heartbeat taken during the outage is sent after the outage is over, and
    // arrives then: its record timestamp is the delivery, its own time stays in the event.
    int sentDuring = 0;
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i).event() instanceof SensorHeartbeat h
          && h.getTenantId().equals("tenant-2")
          && h.getTime().toEpochMilli() >= from
          && h.getTime().toEpochMilli() < to) {
        sentDuring++;
        assertThat(i).isGreaterThan(lastOtherDuringOutage);
        assertThat(sent.get(i).timestamp()).isEqualTo(to);
      }
    }
    assertThat(sentDuring).isGreaterThan(900); // ~500 devices x 2 heartbeats, all delivered late
  }

  @Test
  void sensorTamperingMakesAShareOfOneTenantsHeartbeatsReportIt() {
    RecordingSink sink =
        run(
            scenario(
                "[]",
                "[{\"kind\": \"sensorTampering\", \"tenant\": 3, \"at\": \"PT30M\","
                    + " \"share\": 0.5, \"health\": \"DEGRADED\"}]",
                "{}"));
    long at = START.plus(Duration.ofMinutes(30)).toEpochMilli();
    java.util.Set<String> degraded = new java.util.HashSet<>();
    java.util.Set<String> tenant3 = new java.util.HashSet<>();
    for (RecordingSink.Sent sent : sink.sent) {
      if (sent.event() instanceof SensorHeartbeat h) {
        if (h.getHealth() != dev.crashwatch.events.SensorHealth.OK) {
          assertThat(h.getHealth()).isEqualTo(dev.crashwatch.events.SensorHealth.DEGRADED);
          assertThat(h.getTenantId()).isEqualTo("tenant-3");
          assertThat(h.getTime().toEpochMilli()).isGreaterThanOrEqualTo(at);
          degraded.add(h.getDeviceId());
        }
        if (h.getTenantId().equals("tenant-3")) {
          tenant3.add(h.getDeviceId());
        }
      }
    }
    assertThat((double) degraded.size() / tenant3.size()).isBetween(0.4, 0.6);
  }

  @Test
  void duplicatesRepeatTheEventIdAndMalformedRecordsAreGarbage() {
    RecordingSink sink = run(scenario("[]", "[]", "{\"duplicates\": 0.2, \"malformed\": 0.05}"));
    List<String> ids =
        sink.events(SensorHeartbeat.class).stream().map(SensorHeartbeat::getEventId).toList();
    Set<String> distinct = new HashSet<>(ids);
    double duplicateShare = 1.0 - (double) distinct.size() / ids.size();
    assertThat(duplicateShare).isBetween(0.12, 0.22); // 0.2 / 1.2 of the sent heartbeats
    long raw = sink.sent.stream().filter(s -> s.event() == null).count();
    assertThat((double) raw / sink.sent.size()).isBetween(0.03, 0.07);
    assertThat(sink.sent.stream().filter(s -> s.event() == null))
        .allSatisfy(
            s -> assertThat(s.raw()[0] != 0 || s.raw().length < 5 || s.raw()[1] == 0x7f).isTrue());
  }

  @Test
  void clockSkewShiftsDeviceTimesBothWaysWithinTheBound() {
    RecordingSink sink = run(scenario("[]", "[]", "{\"clockSkew\": \"PT2M\"}"));
    Map<String, Long> firstBoot = new HashMap<>();
    for (Boot b : sink.events(Boot.class)) {
      firstBoot.putIfAbsent(b.getDeviceId(), b.getBootTime().toEpochMilli());
    }
    long early = firstBoot.values().stream().filter(t -> t < START.toEpochMilli()).count();
    assertThat(early).isGreaterThan(0);
    assertThat(firstBoot.values())
        .allSatisfy(
            t ->
                assertThat(t)
                    .isBetween(
                        START.minus(Duration.ofMinutes(2)).toEpochMilli(),
                        START.plus(Duration.ofMinutes(12)).toEpochMilli()));
  }
}
