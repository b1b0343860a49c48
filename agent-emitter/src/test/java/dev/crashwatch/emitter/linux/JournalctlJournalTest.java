package dev.crashwatch.emitter.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process-backed journal against a fake {@code journalctl} script that answers like one. */
class JournalctlJournalTest {

  @TempDir Path dir;

  private Path script(String body) throws IOException {
    Path script = dir.resolve("journalctl");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("calls") + "\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void readsKernelLogTailAndLastEntryOfThePreviousBoot() throws IOException {
    Path kernel = dir.resolve("kernel.txt");
    Files.writeString(
        kernel, Fixtures.asJournal(Fixtures.text("oops-null-deref-nvme.log"), "fleet-node-17"));
    Path tail = dir.resolve("tail.txt");
    Files.writeString(tail, Fixtures.text("journal-clean.log"));
    Path journalctl =
        script(
            "case \"$*\" in\n"
                + "  *\" -k \"*) cat "
                + kernel
                + " ;;\n"
                + "  *json*) echo '{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"1721364000462208\","
                + "\"__MONOTONIC_TIMESTAMP\":\"8813975522\",\"_BOOT_ID\":\"a1b2c3d4e5f60718293a4b5c6d7e8f90\","
                + "\"MESSAGE\":\"Journal stopped\"}' ;;\n"
                + "  *) cat "
                + tail
                + " ;;\n"
                + "esac\n");

    PreviousBootLog log =
        new JournalctlJournal(journalctl.toString(), Duration.ofSeconds(20))
            .previousBoot()
            .orElseThrow();

    assertThat(log.bootId()).isEqualTo("a1b2c3d4e5f60718293a4b5c6d7e8f90");
    assertThat(log.lastEntryTime()).isEqualTo(Instant.parse("2024-07-19T04:40:00.462208Z"));
    assertThat(log.lastEntryMonotonicSeconds()).isEqualTo(8813.975522);
    assertThat(KernelLogParser.parse(log.kernelLog()).orElseThrow().module()).isEqualTo("nvme");
    assertThat(ShutdownClassifier.hasCleanShutdownMarkers(log.tail())).isTrue();
    assertThat(Files.readAllLines(dir.resolve("calls")))
        .allSatisfy(call -> assertThat(call).startsWith("--no-pager -q -b -1 "))
        .anySatisfy(call -> assertThat(call).contains("-k -o short-monotonic"))
        .anySatisfy(call -> assertThat(call).contains("-n 300 -o short-monotonic"));
  }

  @Test
  void noPreviousBootIsNoJournal() throws IOException {
    Path journalctl =
        script("echo 'Data from the specified boot (-1) is not available' >&2\nexit 1\n");

    assertThat(new JournalctlJournal(journalctl.toString(), Duration.ofSeconds(20)).previousBoot())
        .isEmpty();
  }
}
