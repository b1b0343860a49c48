package dev.crashwatch.emitter.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.event.ShutdownKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShutdownClassifierTest {

  private static final Optional<PreviousBootLog> CLEAN =
      Optional.of(new PreviousBootLog(null, "", Fixtures.text("journal-clean.log"), null, null));
  private static final Optional<PreviousBootLog> UNCLEAN =
      Optional.of(new PreviousBootLog(null, "", Fixtures.text("journal-unclean.log"), null, null));
  private static final Optional<PstoreDump> PANIC_DUMP =
      Optional.of(new PstoreDump("Panic", "", Instant.EPOCH, List.of()));
  private static final Optional<PstoreDump> OOPS_DUMP =
      Optional.of(new PstoreDump("Oops", "", Instant.EPOCH, List.of()));

  @Test
  void markersOfRealShutdownsAndReboots() {
    assertThat(ShutdownClassifier.hasCleanShutdownMarkers(Fixtures.text("journal-clean.log")))
        .isTrue();
    assertThat(ShutdownClassifier.hasCleanShutdownMarkers(Fixtures.text("journal-unclean.log")))
        .isFalse();
    // Older systemd names targets by description only.
    assertThat(ShutdownClassifier.hasCleanShutdownMarkers("systemd[1]: Reached target Reboot."))
        .isTrue();
    assertThat(
            ShutdownClassifier.hasCleanShutdownMarkers(
                "systemd[1]: Reached target multi-user.target - Multi-User System."))
        .isFalse();
  }

  @Test
  void aPanicWinsOverShutdownMarkers() {
    assertThat(ShutdownClassifier.classify(CLEAN, Optional.empty(), PANIC_DUMP))
        .isEqualTo(ShutdownKind.CRASH);
  }

  @Test
  void anOopsDumpWithoutAShutdownAfterItIsACrash() {
    assertThat(ShutdownClassifier.classify(UNCLEAN, Optional.empty(), OOPS_DUMP))
        .isEqualTo(ShutdownKind.CRASH);
    assertThat(ShutdownClassifier.classify(Optional.empty(), Optional.empty(), OOPS_DUMP))
        .isEqualTo(ShutdownKind.CRASH);
    assertThat(ShutdownClassifier.classify(CLEAN, Optional.empty(), OOPS_DUMP))
        .isEqualTo(ShutdownKind.CLEAN);
  }

  @Test
  void withoutCrashTheJournalDecides() {
    assertThat(ShutdownClassifier.classify(CLEAN, Optional.empty(), Optional.empty()))
        .isEqualTo(ShutdownKind.CLEAN);
    assertThat(ShutdownClassifier.classify(UNCLEAN, Optional.empty(), Optional.empty()))
        .isEqualTo(ShutdownKind.UNEXPECTED_POWER_LOSS);
    assertThat(ShutdownClassifier.classify(Optional.empty(), Optional.empty(), Optional.empty()))
        .isEqualTo(ShutdownKind.UNKNOWN);
  }
}
