package dev.crashwatch.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BlameResolverTest {

  private static final String S711 = "acme.sensor@7.11.18110";
  private static final String S710 = "acme.sensor@7.10.17706";
  private static final String C291 = "acme.sensor-content@291";
  private static final String C290 = "acme.sensor-content@290";
  private static final String W22631 = "windows@22631.3880";
  private static final String W19045 = "windows@19045.4651";
  private static final Instant START = Instant.parse("2024-07-19T03:30:00Z");
  private static final double ORDINARY = 1e-4;

  private final SpikeTest test = new SpikeTest(DetectorThresholds.DEFAULTS);

  /**
   * 100,000 devices, sensor 7.11 on 70% and 7.10 on 30%, windows 22631 on 60% and 19045 on 40%,
   * content 291 on {@code share291} of them (independently), an ordinary failure rate of 1e-4;
   * content 291 crashes 90% of the devices that also run 7.11 ({@code fault291}), the windows 22631
   * crash wave 5% of its devices ({@code wave}).
   */
  private static Fleet channelFile291(double share291, boolean fault291, boolean wave) {
    Fleet fleet =
        new Fleet()
            .moduleBelongs(C291) // acmesensor.sys is the content's module...
            .moduleBelongs(S711) // ...and the sensor's: the module does not settle this pair
            .firstSeen(C291, START.plusSeconds(40 * 60))
            .firstSeen(C290, START)
            .firstSeen(S711, START)
            .firstSeen(S710, START);
    for (String sensor : new String[] {S711, S710}) {
      for (String content : new String[] {C291, C290}) {
        for (String os : new String[] {W22631, W19045}) {
          double share =
              (sensor.equals(S711) ? 0.7 : 0.3)
                  * (content.equals(C291) ? share291 : 1 - share291)
                  * (os.equals(W22631) ? 0.6 : 0.4);
          long exposed = Math.round(100_000 * share);
          double ok = 1 - ORDINARY;
          if (fault291 && content.equals(C291) && sensor.equals(S711)) {
            ok *= 1 - 0.9;
          }
          if (wave && os.equals(W22631)) {
            ok *= 1 - 0.05;
          }
          fleet.cell(exposed, Math.round(exposed * (1 - ok)), sensor, content, os);
        }
      }
    }
    return fleet;
  }

  private static Map<String, Boolean> blamed(Map<String, Blame> verdicts) {
    return verdicts.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().blamed()));
  }

  @Test
  void channelFile291WithAnOsCrashWaveBlamesEachOnItsOwnComponentAndNotTheSensor() {
    Fleet fleet = channelFile291(0.2, true, true);
    Map<String, TestResult> results = fleet.results(test);
    // the sensor build on the crashing devices does look elevated on its own
    assertThat(results.get(S711).passes()).isTrue();

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(C291).blamed()).isTrue();
    assertThat(verdicts.get(C291).result().level()).isEqualTo(DetectorAction.ROLLBACK);
    assertThat(verdicts.get(S711).blamed()).isFalse();
    assertThat(verdicts.get(S711).explainedBy()).isEqualTo(C291);
    assertThat(verdicts.get(W22631).blamed()).isTrue();
    assertThat(verdicts.get(W22631).reason()).startsWith("masked by " + C291);
    // most crashes on 22631 are 291's, in the content's module: no module evidence for the OS
    // build, so HALT (a rate ratio no longer stands in for the module)
    assertThat(verdicts.get(W22631).result().level()).isEqualTo(DetectorAction.HALT);
    assertThat(verdicts).doesNotContainKeys(S710, C290, W19045);
  }

  @Test
  void channelFile291AloneBlamesTheContentNotTheSensorBuild() {
    Map<String, Blame> verdicts = channelFile291(0.02, true, false).resolve(test);
    assertThat(blamed(verdicts))
        .containsExactlyInAnyOrderEntriesOf(Map.of(C291, true, S711, false));
    assertThat(verdicts.get(C291).result().level()).isEqualTo(DetectorAction.ROLLBACK);
  }

  @Test
  void osCrashWaveAloneBlamesTheOsBuildAndNoSensorVersion() {
    Map<String, Blame> verdicts = channelFile291(0.0, false, true).resolve(test);
    assertThat(verdicts.values().stream().filter(Blame::blamed).map(Blame::key))
        .containsExactly(W22631);
    // content 290 runs everywhere, so it has no comparison group and is tested against the floor:
    // it passes on its own, and the wave explains it
    assertThat(verdicts.get(C290).explainedBy()).isEqualTo(W22631);
    assertThat(verdicts).doesNotContainKeys(S711, S710);
  }

  @Test
  void sensorVersionConcentratedOnTheCrashingOsBuildIsNotBlamed() {
    // 90% of the 22631 devices run sensor 7.11, so 7.11's rate is elevated too; among the
    // devices not on 22631 it is at baseline, while 22631 stays elevated without 7.11
    Fleet fleet =
        new Fleet()
            .cell(54_000, 2_700 + 5, S711, W22631)
            .cell(6_000, 300 + 1, S710, W22631)
            .cell(16_000, 2, S711, W19045)
            .cell(24_000, 2, S710, W19045);
    assertThat(fleet.results(test).get(S711).passes()).isTrue();

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(S711).blamed()).isFalse();
    assertThat(verdicts.get(S711).explainedBy()).isEqualTo(W22631);
    assertThat(verdicts.get(W22631).blamed()).isTrue();
  }

  @Test
  void powerOutageIsNotGivenAsCrashes() {
    // tenant 7 loses power: 900 devices shut down uncleanly without a bugcheck. The caller does
    // not count unclean shutdowns as crashes, so the figures hold only the ordinary crashes.
    Map<String, Blame> verdicts = channelFile291(0.2, false, false).resolve(test);
    assertThat(verdicts).isEmpty();
  }

  @Test
  void tenantWideNetworkOutageRaisesEveryVersionEquallyAndBlamesNone() {
    // tenant 3 (2.5% of every cell) goes silent right after taking the versions
    Fleet fleet = new Fleet();
    for (String sensor : new String[] {S711, S710}) {
      for (String os : new String[] {W22631, W19045}) {
        long exposed = (sensor.equals(S711) ? 70_000 : 30_000) * (os.equals(W22631) ? 6 : 4) / 10;
        fleet.cell(exposed, exposed / 40 + exposed / 10_000, sensor, os);
      }
    }
    assertThat(fleet.resolve(test)).isEmpty();
  }

  @Test
  void tieBetweenMutuallyExplainingVersionsGoesToTheModuleOwnerThenTheNewer() {
    VersionFigures older =
        new VersionFigures("a", "1", 10, null, 5, 0, null, START, null, 0, null, 0, false);
    VersionFigures newer =
        new VersionFigures(
            "b", "2", 10, null, 5, 0, null, START.plusSeconds(60), null, 0, null, 0, false);
    VersionFigures owner =
        new VersionFigures("c", "3", 10, null, 5, 0, null, START, null, 0, "c.sys", 5, true);
    assertThat(BlameResolver.winner(older, newer, null, null)).isSameAs(newer);
    assertThat(BlameResolver.winner(newer, older, null, null)).isSameAs(newer);
    assertThat(BlameResolver.winner(newer, owner, null, null)).isSameAs(owner);
  }

  @Test
  void aBenignVersionBesideTwoFaultyOnesIsExplainedByBothTogether() {
    // the canary ring (800 devices) takes a GPU driver and a storage filter, each on half of it and
    // each crashing 30% of its devices, and a benign content update on three quarters of it; the
    // rest of the fleet (9,200) runs the old versions at the ordinary rate
    String g1 = "gpu-driver@553.40";
    String g0 = "gpu-driver@552.0";
    String s1 = "storage-filter@4.3.0";
    String s0 = "storage-filter@4.2.0";
    String c2 = "content@2";
    String c1 = "content@1";
    Fleet fleet = new Fleet().moduleBelongs(g1).moduleBelongs(s1);
    for (String g : new String[] {g1, g0}) {
      for (String st : new String[] {s1, s0}) {
        for (String c : new String[] {c2, c1}) {
          long exposed = c.equals(c2) ? 150 : 50;
          double ok = (g.equals(g1) ? 0.7 : 1) * (st.equals(s1) ? 0.7 : 1);
          fleet.cell(exposed, Math.round(exposed * (1 - ok)), g, st, c);
        }
      }
    }
    fleet.cell(9_200, 1, g0, s0, c1);
    Map<String, TestResult> results = fleet.results(test);
    assertThat(results.get(c2).passes()).as("the content looks elevated on its own").isTrue();

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(g1).blamed()).isTrue();
    assertThat(verdicts.get(s1).blamed()).isTrue();
    assertThat(verdicts.get(c2).blamed()).isFalse();
    assertThat(verdicts.get(c2).reason()).startsWith("explained jointly by");
  }
}
