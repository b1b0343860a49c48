package dev.crashwatch.emitter.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.event.BootEvent;
import dev.crashwatch.emitter.event.CrashEvent;
import dev.crashwatch.emitter.event.CrashKind;
import dev.crashwatch.emitter.event.HeartbeatEvent;
import dev.crashwatch.emitter.event.SensorHealth;
import dev.crashwatch.emitter.event.SensorMode;
import dev.crashwatch.emitter.event.ShutdownKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector on fixture trees: a made-up host under a temporary root. */
class LinuxCollectorTest {

  private static final String BOOT_ID = "5f1c8e0a-2b7d-4c31-9e44-0d7a61b2c3f9";
  private static final String PREVIOUS_BOOT_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  private static final String MACHINE_ID = "3d1219c7c4c5404aaa1f6d2a48adfda4";
  private static final Instant BOOT_TIME = Instant.parse("2024-07-19T05:00:00Z");
  private static final Instant NOW = BOOT_TIME.plus(Duration.ofMinutes(3));
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path root;
  private HostFiles host;

  @BeforeEach
  void host() throws IOException {
    write("proc/sys/kernel/random/boot_id", BOOT_ID + "\n");
    write(
        "proc/stat",
        "cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0\n"
            + "intr 1462898 0 9 0\n"
            + "ctxt 2238776438\n"
            + "btime "
            + BOOT_TIME.getEpochSecond()
            + "\n"
            + "processes 1370345\n");
    write("proc/uptime", "180.00 350.00\n");
    // Running a newer kernel than the one that crashed: the crash must report the crashed one.
    write("proc/sys/kernel/osrelease", "6.1.0-21-amd64\n");
    write("etc/machine-id", MACHINE_ID + "\n");
    write("opt/acme/content/VERSION", "291\n");
    host = new HostFiles(root);
  }

  private void write(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  private void pstore(Instant mtime) throws IOException {
    for (String name : new String[] {"dmesg-ramoops-0", "dmesg-ramoops-1"}) {
      write("sys/fs/pstore/" + name, Fixtures.text("pstore/" + name));
      Files.setLastModifiedTime(root.resolve("sys/fs/pstore/" + name), FileTime.from(mtime));
    }
  }

  private LinuxCollector collector(PreviousBootJournal journal) {
    Map<String, ComponentSource> components = new LinkedHashMap<>();
    components.put("acme.sensor", ComponentSource.fixed("7.11.18110"));
    components.put("acme.sensor-content", ComponentSource.file("/opt/acme/content/VERSION"));
    components.put("gpu-driver", ComponentSource.file("/opt/nowhere/VERSION"));
    return new LinuxCollector(
        host, journal, CLOCK, new CollectorConfig(null, "tenant-7", "canary", components));
  }

  private static FixtureJournal journal(String fixture, Instant lastEntry) {
    return new FixtureJournal(PREVIOUS_BOOT_ID, Fixtures.text(fixture), lastEntry);
  }

  @Test
  void cleanJournalMeansCleanShutdownAndNoCrash() {
    LinuxCollector c = collector(journal("journal-clean.log", BOOT_TIME.minusSeconds(40)));

    BootEvent boot = c.boot();

    assertThat(boot.previousShutdown()).isEqualTo(ShutdownKind.CLEAN);
    assertThat(boot.bootId()).isEqualTo(BOOT_ID);
    assertThat(boot.bootTime()).isEqualTo(BOOT_TIME);
    assertThat(boot.deviceId()).isEqualTo(MACHINE_ID);
    assertThat(boot.tenantId()).isEqualTo("tenant-7");
    assertThat(boot.ring()).isEqualTo("canary");
    assertThat(boot.osBuild()).isEqualTo("6.1.0-21-amd64");
    // A component whose source cannot answer is left out, not reported as some made-up version.
    assertThat(boot.components())
        .isEqualTo(
            Map.of(
                "linux", "6.1.0-21-amd64",
                "acme.sensor", "7.11.18110",
                "acme.sensor-content", "291"));
    assertThat(c.crash()).isEmpty();
  }

  @Test
  void bootEventIdIsStableWithinOneBoot() {
    String first = collector(PreviousBootJournal.none()).boot().eventId();
    String second = collector(PreviousBootJournal.none()).boot().eventId();
    assertThat(first).isEqualTo(second).matches("[0-9a-f-]{36}");
  }

  @Test
  void pstorePanicDumpMeansCrashAndBecomesACrashEvent() throws IOException {
    Instant dumpTime = BOOT_TIME.minus(Duration.ofMinutes(2));
    pstore(dumpTime);
    LinuxCollector c = collector(PreviousBootJournal.none());

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.CRASH);
    CrashEvent crash = c.crash().orElseThrow();

    // The two parts joined in the right order (Part2 first) give the whole GPF, not just the panic.
    KernelCrash fromDmesg =
        KernelLogParser.parse(Fixtures.text("gpf-acmesensor.log")).orElseThrow();
    assertThat(crash.kind()).isEqualTo(CrashKind.KERNEL_BUGCHECK);
    assertThat(crash.bugcheckCode()).isEqualTo("GPF");
    assertThat(crash.faultingModule()).isEqualTo("acmesensor");
    assertThat(crash.bucketId()).isEqualTo(fromDmesg.bucketId());
    assertThat(crash.bugcheckParameters())
        .containsExactly(fromDmesg.reason(), "Kernel panic - not syncing: Fatal exception");
    assertThat(crash.crashTime()).isEqualTo(dumpTime);
    assertThat(crash.uploadTime()).isEqualTo(NOW);
    assertThat(crash.bootId()).isEqualTo("before-" + BOOT_ID);
    assertThat(crash.deviceId()).isEqualTo(MACHINE_ID);
    assertThat(crash.ring()).isEqualTo("canary");
    assertThat(crash.components())
        .containsEntry("linux", "6.1.0-18-amd64")
        .containsEntry("acme.sensor-content", "291");
    assertThat(c.previousBoot().crashSource()).isEqualTo("pstore");
    assertThat(c.crash().orElseThrow().eventId()).isEqualTo(crash.eventId());
  }

  @Test
  void uncleanJournalWithoutCrashMeansUnexpectedPowerLoss() {
    LinuxCollector c = collector(journal("journal-unclean.log", BOOT_TIME.minusSeconds(300)));

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.UNEXPECTED_POWER_LOSS);
    assertThat(c.crash()).isEmpty();
  }

  @Test
  void noJournalAndNoPstoreMeansUnknown() {
    LinuxCollector c = collector(PreviousBootJournal.none());

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.UNKNOWN);
    assertThat(c.crash()).isEmpty();
  }

  @Test
  void panicInTheJournalIsDatedFromItsMonotonicTimestamp() {
    String text =
        Fixtures.text("journal-unclean.log").lines().limit(8).reduce("", (a, l) -> a + l + "\n")
            + Fixtures.asJournal(
                Fixtures.text("panic-fatal-exception-in-interrupt.log"), "fleet-node-17");
    // The last line is "---[ end Kernel panic ..." at 4711.462208.
    Instant lastEntry = Instant.parse("2024-07-19T04:40:00.462208Z");
    LinuxCollector c = collector(new FixtureJournal(PREVIOUS_BOOT_ID, text, lastEntry));

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.CRASH);
    CrashEvent crash = c.crash().orElseThrow();
    // 0.132191 s before the last entry; the event keeps milliseconds (timestamp-millis).
    assertThat(c.previousBoot().crashTime())
        .isEqualTo(Instant.parse("2024-07-19T04:40:00.330017Z"));
    assertThat(crash.crashTime()).isEqualTo(Instant.parse("2024-07-19T04:40:00.330Z"));
    assertThat(crash.bugcheckCode()).isEqualTo("oops");
    assertThat(crash.faultingModule()).isEqualTo("ixgbe");
    assertThat(crash.bootId()).isEqualTo("a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90");
    assertThat(c.previousBoot().crashSource()).isEqualTo("journal");
  }

  @Test
  void oopsWithoutPanicFollowedByACleanShutdownIsCleanButStillReported() {
    String text =
        Fixtures.asJournal(Fixtures.text("oops-null-deref-nvme.log"), "fleet-node-17")
            + Fixtures.text("journal-clean.log")
                .lines()
                .skip(10)
                .reduce("", (a, l) -> a + l + "\n");
    LinuxCollector c =
        collector(new FixtureJournal(PREVIOUS_BOOT_ID, text, BOOT_TIME.minusSeconds(60)));

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.CLEAN);
    assertThat(c.crash().orElseThrow().faultingModule()).isEqualTo("nvme");
  }

  @Test
  void pstoreDumpFromBeforeThePreviousBootIsNotReportedAgain() throws IOException {
    // The previous boot ran from about 8814 s before its last entry; a dump a day older is stale.
    Instant lastEntry = BOOT_TIME.minusSeconds(40);
    pstore(lastEntry.minus(Duration.ofDays(1)));
    LinuxCollector c = collector(journal("journal-clean.log", lastEntry));

    assertThat(c.boot().previousShutdown()).isEqualTo(ShutdownKind.CLEAN);
    assertThat(c.crash()).isEmpty();
    assertThat(c.previousBoot().pstoreFound()).isFalse();
  }

  @Test
  void heartbeatReportsTheSensorAndEveryComponentIncludingTheKernel() {
    HeartbeatEvent hb =
        collector(PreviousBootJournal.none())
            .heartbeat(
                new SensorSpec(
                    "acme", "acme.sensor", "acme.sensor-content", SensorMode.KERNEL, null));

    assertThat(hb.vendor()).isEqualTo("acme");
    assertThat(hb.product()).isEqualTo("acme.sensor");
    assertThat(hb.agentVersion()).isEqualTo("7.11.18110");
    assertThat(hb.contentVersion()).isEqualTo("291");
    assertThat(hb.mode()).isEqualTo(SensorMode.KERNEL);
    assertThat(hb.health()).isEqualTo(SensorHealth.UNKNOWN);
    assertThat(hb.time()).isEqualTo(NOW);
    assertThat(hb.components()).containsEntry("linux", "6.1.0-21-amd64").hasSize(3);
  }

  @Test
  void bootTimeFallsBackToUptimeWithoutBtime() throws IOException {
    write("proc/stat", "cpu  1 2 3 4\nctxt 22\n");
    LinuxCollector c = collector(PreviousBootJournal.none());

    assertThat(c.bootTime()).isEqualTo(NOW.minusSeconds(180));
  }

  @Test
  void configuredDeviceIdWinsOverMachineId() {
    LinuxCollector c =
        new LinuxCollector(
            host,
            PreviousBootJournal.none(),
            CLOCK,
            new CollectorConfig("dev-42", "tenant-7", "early", Map.of()));

    assertThat(c.boot().deviceId()).isEqualTo("dev-42");
    assertThat(c.boot().components()).containsOnlyKeys("linux");
  }
}
