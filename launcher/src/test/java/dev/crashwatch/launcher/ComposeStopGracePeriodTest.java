package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.processor.StreamProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code docker stop} sends SIGTERM and kills the container after its {@code stop_grace_period}.
 * Every service that runs a stream processor ({@code process}, {@code simulate}) must give it
 * longer than the processor's own close takes, with room for the rest of its shutdown.
 */
class ComposeStopGracePeriodTest {

  private static final List<String> STREAM_PROCESSING_COMMANDS = List.of("process", "simulate");

  @Test
  void servicesThatRunAStreamProcessorOutwaitItsClose() throws Exception {
    ComposeFile compose = ComposeFile.read(Path.of("..", "docker-compose.yml"), Map.of());
    List<String> processing =
        compose.projectServices().stream()
            .filter(s -> STREAM_PROCESSING_COMMANDS.contains(compose.command(s).get(0)))
            .toList();

    assertThat(processing).as("services that run a stream processor").hasSize(2);
    for (String service : processing) {
      assertThat(compose.stopGracePeriod(service))
          .as("%s's stop_grace_period", service)
          .isGreaterThan(StreamProcessor.CLOSE_TIMEOUT.plusSeconds(10));
    }
  }
}
