package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.launcher.SignalComparison.Decision;
import dev.crashwatch.launcher.SignalComparison.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalComparisonTest {

  private static Instant t(int minute) {
    return Instant.parse("2024-07-19T04:00:00Z").plusSeconds(60L * minute);
  }

  @Test
  void matchesTheNthSignalOfAnActionOnAVersionAndComparesEvaluationIntervals() {
    List<Decision> production =
        List.of(
            new Decision("gpu-driver@553.40", "WATCH", t(1)),
            new Decision("gpu-driver@553.40", "HALT", t(3)),
            new Decision("gpu-driver@553.40", "RESOLVED", t(30)),
            new Decision("gpu-driver@553.40", "WATCH", t(40)),
            new Decision("windows@22631.3880", "HALT", t(10)));
    List<Decision> candidate =
        List.of(
            new Decision("gpu-driver@553.40", "WATCH", t(1).plusSeconds(17)),
            new Decision("gpu-driver@553.40", "HALT", t(7)),
            new Decision("acme.sensor@7.12", "WATCH", t(2)));

    List<Row> rows = SignalComparison.compare(production, candidate, Duration.ofMinutes(1));

    assertThat(rows)
        .extracting(r -> r.target() + " " + r.action() + ": " + r.difference())
        .containsExactly(
            "gpu-driver@553.40 WATCH: same",
            "acme.sensor@7.12 WATCH: candidate only",
            "gpu-driver@553.40 HALT: candidate 4 min later",
            "windows@22631.3880 HALT: production only",
            "gpu-driver@553.40 RESOLVED: production only",
            "gpu-driver@553.40 WATCH: production only");
    assertThat(rows).filteredOn(Row::differs).hasSize(5);
  }

  @Test
  void printsOneLinePerRowAndSaysSoWhenNothingWasSignalled() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    SignalComparison.print(
        SignalComparison.compare(
            List.of(new Decision("gpu-driver@553.40", "HALT", t(3))),
            List.of(new Decision("gpu-driver@553.40", "HALT", t(2))),
            Duration.ofMinutes(1)),
        out);
    SignalComparison.print(List.of(), out);

    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "  component@version  action    production            candidate             difference",
            "  gpu-driver@553.40  HALT      2024-07-19 04:03:00Z  2024-07-19 04:02:00Z  candidate"
                + " 1 min earlier",
            "  component@version  action    production            candidate             difference",
            "  (neither configuration raised a signal)");
  }
}
