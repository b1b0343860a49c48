package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SignalEvidence;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

class SignalsCommandTest {

  private static final Instant DECIDED = Instant.parse("2024-07-19T04:23:00Z");

  @Test
  void aSignalOfTheSequentialTestShowsItsEValueThresholdAndRatioInterval() {
    RollbackSignal s = signal("acme.sensor-content", "reason");
    s.getEvidence().setTest("two-sample e-process");
    s.getEvidence().setStatistic(9.44);
    s.getEvidence().setThreshold(3.30);
    s.getEvidence().setRateRatioLower(45.3);
    s.getEvidence().setRateRatioUpper(362.0);
    assertThat(SignalsCommand.line(s, Ansi.OFF))
        .contains("e=10^9.4 (needs 10^3.3), ratio 45.3-362")
        .doesNotContain("p=");
  }

  @Test
  void oneLineWithTheStateTheVersionAndItsEvidence() {
    String line = SignalsCommand.line(signal("acme.sensor-content", "halted"), Ansi.OFF);

    assertThat(line)
        .isEqualTo(
            "2024-07-19 04:23:00Z  HALT     acme.sensor-content@291 e1  43 of 63 failing (41"
                + " crashed, 2 silent), 68.3% vs 0.020% rest-of-fleet, p=1.2e-12  0x50 in"
                + " acmesensor.sys (own)  rings canary  halted");
  }

  @Test
  void colourOnlyWhenTheTerminalTakesIt() {
    RollbackSignal s = signal("acme.sensor-content", "halted");

    assertThat(SignalsCommand.line(s, Ansi.ON)).contains("\u001B[").contains("HALT");
    assertThat(SignalsCommand.line(s, Ansi.OFF)).doesNotContain("\u001B");
  }

  @Test
  void textFromTheTopicCannotDriveTheTerminal() {
    String line = SignalsCommand.line(signal("acme\u001B[2J", "x\u001B]0;owned\u0007"), Ansi.OFF);

    assertThat(line).doesNotContain("\u001B").contains("acme?[2J@291").contains("x?]0;owned?");
  }

  @Test
  void filtersByComponentAndDecisionTime() {
    RollbackSignal s = signal("acme.sensor-content", "r");

    assertThat(SignalsCommand.matches(s, null, Instant.MIN)).isTrue();
    assertThat(SignalsCommand.matches(s, "acme.sensor-content", DECIDED)).isTrue();
    assertThat(SignalsCommand.matches(s, "windows", Instant.MIN)).isFalse();
    assertThat(SignalsCommand.matches(s, null, DECIDED.plusSeconds(1))).isFalse();
  }

  @Test
  void sinceIsAnInstantOrADurationBackFromNow() {
    SignalsCommand command = new SignalsCommand();
    new CommandLine(command); // injects the spec that error messages name the command with
    Instant now = Instant.parse("2026-12-01T12:00:00Z");

    assertThat(command.parseSince("PT2H", now)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(command.parseSince("2024-07-19T04:00:00Z", now))
        .isEqualTo(Instant.parse("2024-07-19T04:00:00Z"));
    assertThatThrownBy(() -> command.parseSince("yesterday", now))
        .hasMessageContaining("--since")
        .hasMessageContaining("yesterday");
  }

  /** A HALT decided at 04:23, with evidence in every field. */
  static RollbackSignal signal(String component, String reason) {
    return RollbackSignal.newBuilder()
        .setSignalId(component + "@291/e1/HALT")
        .setComponent(component)
        .setVersion("291")
        .setAction(SignalAction.HALT)
        .setPreviousAction(SignalAction.WATCH)
        .setReason(reason)
        .setEvidence(
            SignalEvidence.newBuilder()
                .setCrashedDevices(41)
                .setSilentDevices(2)
                .setExposedDevices(63)
                .setCrashRate(43.0 / 63)
                .setBaselineRate(0.0002)
                .setSignificance(12.5)
                .setPValue(1.2e-12)
                .setTopBugcheck("0x50")
                .setTopModule("acmesensor.sys")
                .setModuleBelongsToComponent(true)
                .setRingsReached(List.of("canary"))
                .setDecisionTime(DECIDED)
                .build())
        .build();
  }
}
