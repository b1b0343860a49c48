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

  /**
   * The reference scenario on 10,000 devices half an hour after content 291 was rolled back (the
   * window's figures from such a run): 68 of 291's 86 canary devices on sensor 7.11 failed, none of
   * its 28 on 7.10; on the content 290 devices 7.11 has a small excess of its own over 7.10 (19 of
   * 7,030 against 2 of 2,997). Blamed at its own level, 7.11 would be rolled back for 291's
   * crashes; it gets the level of its residual.
   */
  @Test
  void aVersionWhoseFailuresSitMostlyOnAFaultyVersionsDevicesIsBlamedOnlyForItsResidual() {
    Fleet fleet =
        new Fleet()
            .moduleBelongs(C291)
            .moduleBelongs(S711)
            .firstSeen(C291, START.plusSeconds(40 * 60))
            .firstSeen(C290, START)
            .firstSeen(S711, START)
            .firstSeen(S710, START)
            .cell(86, 68, S711, C291)
            .cell(28, 0, S710, C291)
            .cell(7_030, 19, S711, C290)
            .cell(2_997, 2, S710, C290);
    Map<String, TestResult> results = fleet.results(test);
    // on its own, the sensor build is raised by the crashes it shares with 291
    assertThat(results.get(S711).level()).isEqualTo(DetectorAction.ROLLBACK);

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(C291).blamed()).isTrue();
    assertThat(verdicts.get(C291).result().level()).isEqualTo(DetectorAction.ROLLBACK);
    assertThat(verdicts.get(S711).result().level().severity())
        .isLessThan(DetectorAction.HALT.severity());
    assertThat(verdicts.get(S711).reason()).startsWith("beside " + C291);
  }

  /**
   * The July 19 replay at 1,000,000 devices, half an hour after content 291 reached every device:
   * five devices on sensor 7.11 still count as running 290 (their update was never reported before
   * they crashed), four of them failed, and no 7.10 device runs 290 any more. Restricted to the
   * devices not running 291, 7.11 has no comparison group at all, so it cannot show an excess of
   * its own: compared with the floor, 4 of 5 looked like p = 5e-16 and raised a WATCH on the sensor
   * build.
   */
  @Test
  void aRestrictedTestWithoutAComparisonGroupBlamesNothing() {
    Fleet fleet =
        new Fleet()
            .moduleBelongs(C291)
            .moduleBelongs(S711)
            .firstSeen(C291, START.plusSeconds(39 * 60))
            .firstSeen(C290, START)
            .firstSeen(S711, START)
            .firstSeen(S710, START)
            .cell(900_313, 847_706, S711, C291)
            .cell(99_682, 10, S710, C291)
            .cell(5, 4, S711, C290);
    Map<String, TestResult> results = fleet.results(test);
    assertThat(results.get(S711).passes()).isTrue();
    // 291 has no comparison group left (five devices are under 1% of its own): the detector holds
    // its ROLLBACK and keeps it a candidate at that level, as the figures against the floor say
    results.put(
        C291, test.test(fleet.figures().get(C291), new Baseline(Baseline.REST_OF_FLEET, 0, 0, 0)));
    assertThat(results.get(C291).level()).isEqualTo(DetectorAction.ROLLBACK);

    Map<String, Blame> verdicts =
        new BlameResolver(test).resolve(fleet.figures(), results, fleet.overlaps());

    assertThat(verdicts.get(C291).blamed()).isTrue();
    assertThat(verdicts.get(S711).blamed()).isFalse();
    assertThat(verdicts.get(S711).explainedBy()).isEqualTo(C291);
  }

  /**
   * Content 291 pushed to every ring with nobody to halt it (channel-file-291 with the controller
   * off), half an hour into the broad wave. A device's first crash-boot can reach the processor
   * before the heartbeat that announced its update (they travel on different topics), and is then
   * counted on the content it ran before: a few of 291's crashes land on sensor 7.11's devices
   * under 290, none on 7.10's, which 291 does not crash. Against the floor those few were an excess
   * of 7.11's own at ROLLBACK level: 7.11 was blamed, and 291, explained by it, resolved while it
   * crashed 63% of the fleet.
   */
  @Test
  void aFaultyVersionsCrashesCountedOnItsPredecessorDoNotBlameTheVersionBesideIt() {
    Fleet fleet =
        new Fleet()
            .moduleBelongs(C291)
            .moduleBelongs(S711)
            .firstSeen(C291, START.plusSeconds(40 * 60))
            .firstSeen(C290, START)
            .firstSeen(S711, START)
            .firstSeen(S710, START)
            .cell(60_000, 53_800, S711, C291)
            .cell(30_000, 3, S710, C291)
            .cell(20_000, 14, S711, C290)
            .cell(30_000, 0, S710, C290);
    assertThat(fleet.results(test).get(C291).level()).isEqualTo(DetectorAction.ROLLBACK);

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(C291).blamed()).isTrue();
    assertThat(verdicts.get(C291).result().level()).isEqualTo(DetectorAction.ROLLBACK);
    assertThat(verdicts.get(S711).blamed()).isFalse();
    assertThat(verdicts.get(S711).explainedBy()).isEqualTo(C291);
  }

  @Test
  void tieBetweenMutuallyExplainingVersionsGoesToTheModuleOwnerThenTheNewer() {
    VersionFigures older =
        new VersionFigures("a", "1", 10, null, 5, 0, null, START, null, 0, null, 0, false, 0);
    VersionFigures newer =
        new VersionFigures(
            "b", "2", 10, null, 5, 0, null, START.plusSeconds(60), null, 0, null, 0, false, 0);
    VersionFigures owner =
        new VersionFigures("c", "3", 10, null, 5, 0, null, START, null, 0, "c.sys", 5, true, 5);
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

  private static final String G1 = "gpu-driver@553.40";
  private static final String S1 = "storage-filter@4.3.0";

  /**
   * faulty-two-at-once minutes after its canary waves: a GPU driver (3% of its devices crashed so
   * far), a storage filter (2%) and a benign content update roll out to the same 1,000 canary
   * devices over ten minutes, each device taking each at its own time; the rest of the fleet
   * (19,000) runs the old versions.
   */
  private static Fleet threeReleasesInOneRing() {
    String g0 = "gpu-driver@552.12";
    String s0 = "storage-filter@4.2.0";
    Fleet fleet = new Fleet();
    double taken = 0.8;
    for (String g : new String[] {G1, g0}) {
      for (String st : new String[] {S1, s0}) {
        for (String c : new String[] {C291, C290}) {
          double share =
              (g.equals(G1) ? taken : 1 - taken)
                  * (st.equals(S1) ? taken : 1 - taken)
                  * (c.equals(C291) ? taken : 1 - taken);
          long exposed = Math.round(1_000 * share);
          double ok = (g.equals(G1) ? 0.97 : 1) * (st.equals(S1) ? 0.98 : 1);
          fleet.cell(exposed, Math.round(exposed * (1 - ok)), g, st, c);
        }
      }
    }
    return fleet.cell(19_000, 1, g0, s0, C290);
  }

  @Test
  void aBenignVersionBesideTwoFaultyOnesIsExplainedEvenWhileOneOfThemLacksTheTopModule() {
    // the GPU driver's crashes outnumber the filter's, so the filter's window, like the content's,
    // has the GPU module on top; the filter has crashes in its own module and the content none
    Fleet fleet =
        threeReleasesInOneRing()
            .moduleBelongs(G1)
            .ownModuleBelowTop(S1, 12, "vtxgpu.sys")
            .ownModuleBelowTop(C291, 0, "vtxgpu.sys");
    Map<String, TestResult> results = fleet.results(test);
    assertThat(results.get(C291).passes()).as("the content looks elevated on its own").isTrue();
    assertThat(results.get(S1).passes()).as("so does the filter").isTrue();

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(G1).blamed()).as("the GPU driver").isTrue();
    assertThat(verdicts.get(C291).blamed())
        .as("the content: " + verdicts.get(C291).reason())
        .isFalse();
    assertThat(verdicts.get(C291).reason()).startsWith("explained jointly by");
  }

  @Test
  void aBenignVersionBesideTwoFaultyOnesIsExplainedBeforeAnyModuleArrives() {
    // the crashes are counted from the boots after them; their reports, with the faulting modules,
    // come minutes later: the drivers stand out on the devices that have not taken the content yet,
    // and the content has no failure on devices that run neither new driver
    Fleet fleet = threeReleasesInOneRing();
    Map<String, TestResult> results = fleet.results(test);
    assertThat(results.get(C291).passes()).as("the content looks elevated on its own").isTrue();

    Map<String, Blame> verdicts = fleet.resolve(test);

    assertThat(verdicts.get(C291).blamed())
        .as("the content: " + verdicts.get(C291).reason())
        .isFalse();
    assertThat(verdicts.get(C291).reason()).startsWith("explained jointly by");
  }
}
