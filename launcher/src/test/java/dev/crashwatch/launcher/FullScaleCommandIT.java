package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code crashwatch full-scale}, the benchmark that runs for tens of minutes to hours at the July
 * 19 fleet's size and so is not in CI at that size, run end to end on a small part of it: 3,000
 * devices, the first 75 simulated minutes (through detection and into the storm). Each run is a
 * {@code crashwatch} JVM of its own with its own embedded broker and registry, as a user runs it,
 * and the pipeline's run starts the processor in a third JVM. What it checks is what the command
 * exists to print: the figures against their targets, the fleet alone (the ceiling) playing exactly
 * the events the pipeline's run plays, and the same fleet alone again with {@code --ceiling-only}.
 */
class FullScaleCommandIT {

  private static final Path SCENARIO =
      Path.of("..", "scenarios", "july19-full-scale.json").toAbsolutePath().normalize();
  private static final List<String> PART =
      List.of("--scenario", SCENARIO.toString(), "--devices", "3000", "--duration", "PT1H15M");
  private static final Duration TIMEOUT = Duration.ofMinutes(8);

  @TempDir Path dir;

  @Test
  void printsTheFiguresOfThePipelineAndOfTheFleetAloneOnTheSameEvents() throws Exception {
    String pipeline = run("full-scale-pipeline", List.of());
    long replayed = events(pipeline, "replay done: ([\\d,]+) events");
    assertThat(replayed).as("events replayed").isPositive();
    assertThat(events(pipeline, "ceiling, the fleet alone in the same run [^:]*: ([\\d,]+) events"))
        .as("the ceiling plays the very events the pipeline's run plays")
        .isEqualTo(replayed);
    assertThat(pipeline)
        .contains("PASS  must ROLLBACK acme.sensor-content@291 within PT10M")
        .containsPattern(
            "the processor's JVM: peak heap used 0\\.\\d\\d GiB \\(target <= 1 GiB: met\\)")
        .containsPattern(
            "ROLLBACK acme.sensor-content@291: PT[\\dMS.]+ after its first faulty crash in"
                + " simulated time \\(target <= 10 min: met\\)")
        .contains("other signals: none (target: none)")
        .contains("inputs: at most 1,024 MiB kept a partition, the oldest deleted first")
        .containsPattern("wall time [\\d.]+ s for 4500 s of simulated time");
    String processor = group(pipeline, "processor: Kafka Streams over its own: (.*)");
    assertThat(processor).as("the processor's settings").contains("commit.interval.ms=100");
    assertThat(processor)
        .as(
            "Kafka's poll size, buffer and fetch wait, not lock-step's: it sends ahead of the reader")
        .doesNotContain("max.poll.records")
        .doesNotContain("buffered.records.per.partition")
        .doesNotContain("fetch.max.wait.ms");
    assertThat(figure(pipeline, "state stores on disk: peak ([\\d.]+) MiB"))
        .as("state stores on disk")
        .isPositive();

    String alone = run("full-scale-ceiling-only", List.of("--ceiling-only"));
    assertThat(alone)
        .contains("no processor (--ceiling-only)")
        .contains("figures (the fleet alone; no processor ran):")
        .doesNotContain("stream processor running");
    assertThat(events(alone, "; ([\\d,]+) events, [\\d,]+ events/s"))
        .as("the fleet alone plays the same events with --ceiling-only")
        .isEqualTo(replayed);
    assertThat(alone)
        .contains(
            "is within the fleet alone's reach on this machine for the first PT1H15M of the"
                + " scenario's PT3H");
  }

  @Test
  void ceilingOnlyRefusesTheOptionsOfAProcessorItDoesNotRun() {
    for (String option : List.of("--no-ceiling", "--one-jvm")) {
      StringWriter err = new StringWriter();
      List<String> args = new ArrayList<>(PART);
      args.addAll(List.of("--ceiling-only", option, "--data-dir", dir.toString()));
      int code =
          new CommandLine(new FullScaleCommand())
              .setErr(new PrintWriter(err))
              .execute(args.toArray(String[]::new));
      assertThat(code).as(option).isEqualTo(2);
      assertThat(err.toString())
          .as(option)
          .contains(
              "--ceiling-only: runs no processor, so it takes neither --no-ceiling nor --one-jvm");
    }
  }

  private String run(String name, List<String> more) throws Exception {
    List<String> args = new ArrayList<>(List.of("full-scale"));
    args.addAll(PART);
    args.addAll(List.of("--data-dir", dir.resolve(name).toString()));
    args.addAll(more);
    try (CrashwatchProcess run = CrashwatchProcess.start(name, Map.of(), args, dir)) {
      int exit = run.awaitExit(TIMEOUT);
      assertThat(exit).as(name + " exit code; its output:\n" + run.tail()).isZero();
      return run.output();
    }
  }

  private static long events(String output, String regex) {
    return Long.parseLong(group(output, regex).replace(",", ""));
  }

  private static double figure(String output, String regex) {
    return Double.parseDouble(group(output, regex));
  }

  private static String group(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    assertThat(m.find()).as("a line matching " + regex + " in:\n" + output).isTrue();
    return m.group(1);
  }
}
