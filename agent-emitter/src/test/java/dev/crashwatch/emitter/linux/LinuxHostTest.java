package dev.crashwatch.emitter.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.crashwatch.emitter.event.BootEvent;
import dev.crashwatch.emitter.event.ShutdownKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The collector for real on the machine running the tests (root {@code /}, the real {@code
 * journalctl} if there is one). Must pass in a container without journal or pstore too.
 */
class LinuxHostTest {

  @Test
  void collectsTheRunningBoot() throws IOException {
    Path bootIdFile = Path.of("/proc/sys/kernel/random/boot_id");
    assumeThat(Files.exists(bootIdFile)).as("a Linux host").isTrue();
    LinuxCollector c =
        LinuxCollector.system(
            new CollectorConfig("host-test", "tenant-test", "canary", java.util.Map.of()));

    BootEvent boot = c.boot();

    assertThat(boot.bootId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .isEqualTo(Files.readString(bootIdFile).trim());
    assertThat(boot.bootTime())
        .isBefore(Instant.now())
        .isAfter(Instant.parse("2000-01-01T00:00:00Z"));
    assertThat(boot.components().get(LinuxCollector.KERNEL_COMPONENT))
        .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
    assertThat(boot.osBuild()).isEqualTo(boot.components().get("linux"));

    PreviousBootReport previous = c.previousBoot();
    if (!previous.journalFound() && !previous.pstoreFound()) {
      assertThat(boot.previousShutdown()).isEqualTo(ShutdownKind.UNKNOWN);
    }
    // Whatever this machine's history, building the crash event must not fail.
    c.crash().ifPresent(crash -> assertThat(crash.crashTime()).isBefore(Instant.now()));
  }

  @Test
  void missingJournalctlIsNoJournal() {
    assertThat(
            new JournalctlJournal("/nonexistent/journalctl", java.time.Duration.ofSeconds(5))
                .previousBoot())
        .isEmpty();
  }
}
