package dev.crashwatch.emitter.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KernelLogParserTest {

  private static KernelCrash parse(String fixture) {
    return KernelLogParser.parse(Fixtures.text(fixture)).orElseThrow();
  }

  @Test
  void nullPointerOopsInAModuleNamesTheModuleFromTheRipLine() {
    KernelCrash c = parse("oops-null-deref-nvme.log");

    assertThat(c.code()).isEqualTo("oops");
    assertThat(c.reason())
        .isEqualTo("BUG: kernel NULL pointer dereference, address: 0000000000000000");
    assertThat(c.module()).isEqualTo("nvme");
    assertThat(c.function()).isEqualTo("nvme_queue_rq");
    // "?" frames (unwinder guesses) are left out; offsets are not part of the frame names.
    assertThat(c.frames())
        .containsExactly(
            "blk_mq_dispatch_rq_list",
            "__blk_mq_sched_dispatch_requests",
            "blk_mq_sched_dispatch_requests",
            "__blk_mq_run_hw_queue");
    assertThat(c.kernelRelease()).isEqualTo("6.1.0-18-amd64");
    assertThat(c.monotonicSeconds()).isEqualTo(123.456789);
    assertThat(c.panicked()).isFalse();
    assertThat(c.bucketId()).matches("[0-9a-f]{16}");
  }

  @Test
  void oopsInInterruptFollowedByPanicIsBucketedByTheOopsAndRecordsThePanic() {
    KernelCrash c = parse("panic-fatal-exception-in-interrupt.log");

    assertThat(c.code()).isEqualTo("oops");
    assertThat(c.reason())
        .isEqualTo("BUG: unable to handle page fault for address: ffffc90001a3f000");
    assertThat(c.module()).isEqualTo("ixgbe");
    assertThat(c.function()).isEqualTo("ixgbe_clean_rx_irq");
    assertThat(c.frames()).startsWith("ixgbe_poll", "__napi_poll", "net_rx_action");
    assertThat(c.kernelRelease()).isEqualTo("6.1.0-18-amd64");
    assertThat(c.panicked()).isTrue();
    assertThat(c.panicReason())
        .isEqualTo("Kernel panic - not syncing: Fatal exception in interrupt");
  }

  @Test
  void generalProtectionFaultInAnOutOfTreeModule() {
    KernelCrash c = parse("gpf-acmesensor.log");

    assertThat(c.code()).isEqualTo("GPF");
    assertThat(c.reason())
        .startsWith("general protection fault, probably for non-canonical address");
    assertThat(c.module()).isEqualTo("acmesensor");
    assertThat(c.function()).isEqualTo("acme_scan_buffer");
    assertThat(c.frames()).first().isEqualTo("acme_file_open_hook");
    // "Tainted: G           OE      6.1.0-18-amd64 #1": the flags are not the release.
    assertThat(c.kernelRelease()).isEqualTo("6.1.0-18-amd64");
    assertThat(c.panicReason()).isEqualTo("Kernel panic - not syncing: Fatal exception");
  }

  @Test
  void newerKernelsOopsPrefixOnAGpfKeepsCodeAndBucket() {
    String newer =
        Fixtures.text("gpf-acmesensor.log")
            .replace("] general protection fault", "] Oops: general protection fault");
    KernelCrash c = KernelLogParser.parse(newer).orElseThrow();

    assertThat(c.code()).isEqualTo("GPF");
    assertThat(c.bucketId()).isEqualTo(parse("gpf-acmesensor.log").bucketId());
  }

  @Test
  void panicWithoutOopsIsCodePanicInTheCoreKernel() {
    KernelCrash c = parse("panic-vfs-no-root.log");

    assertThat(c.code()).isEqualTo("panic");
    assertThat(c.reason())
        .isEqualTo(
            "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
    assertThat(c.panicReason()).isEqualTo(c.reason());
    assertThat(c.module()).isEqualTo("vmlinux");
    assertThat(c.frames()).startsWith("dump_stack_lvl", "panic", "mount_block_root");
    assertThat(c.kernelRelease()).isEqualTo("6.1.0-18-amd64");
    assertThat(c.monotonicSeconds()).isEqualTo(1.872181);
  }

  @Test
  void kernelBugAtIsCodeBug() {
    String log =
        """
        [  77.100001] ------------[ cut here ]------------
        [  77.100002] kernel BUG at fs/ext4/inode.c:1937!
        [  77.100010] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
        [  77.100015] CPU: 2 PID: 911 Comm: kworker/u8:4 Not tainted 6.1.0-18-amd64 #1  Debian 6.1.76-1
        [  77.100020] RIP: 0010:ext4_writepage+0x3a1/0x3b0 [ext4]
        [  77.100030] Call Trace:
        [  77.100031]  <TASK>
        [  77.100032]  __writepage+0x16/0x50
        [  77.100033]  write_cache_pages+0x1a3/0x470
        [  77.100034]  </TASK>
        """;
    KernelCrash c = KernelLogParser.parse(log).orElseThrow();

    assertThat(c.code()).isEqualTo("BUG");
    assertThat(c.reason()).isEqualTo("kernel BUG at fs/ext4/inode.c:1937!");
    assertThat(c.module()).isEqualTo("ext4");
  }

  @Test
  void hungTaskWarningIsNotACrash() {
    assertThat(KernelLogParser.parse(Fixtures.text("hung-task.log"))).isEmpty();
  }

  @Test
  void cleanAndUncleanJournalsHoldNoCrash() {
    assertThat(KernelLogParser.parse(Fixtures.text("journal-clean.log"))).isEmpty();
    assertThat(KernelLogParser.parse(Fixtures.text("journal-unclean.log"))).isEmpty();
    assertThat(KernelLogParser.parse("")).isEmpty();
  }

  @Test
  void bucketIsStableAcrossRunsAndJvms() {
    // Computed once and written down: a change here regroups every crash already in the pipeline.
    assertThat(parse("oops-null-deref-nvme.log").bucketId())
        .isEqualTo(parse("oops-null-deref-nvme.log").bucketId())
        .isEqualTo(EXPECTED_NVME_BUCKET);
  }

  static final String EXPECTED_NVME_BUCKET = "9cf5fd43c9ef5b97";

  @Test
  void bucketDiffersBetweenCauses() {
    Set<String> buckets =
        List.of(
                "oops-null-deref-nvme.log",
                "panic-fatal-exception-in-interrupt.log",
                "gpf-acmesensor.log",
                "panic-vfs-no-root.log")
            .stream()
            .map(f -> parse(f).bucketId())
            .collect(Collectors.toSet());
    assertThat(buckets).hasSize(4);
  }

  @Test
  void bucketIgnoresAddressesTimestampsAndProcess() {
    String other =
        Fixtures.text("oops-null-deref-nvme.log")
            .replace("address: 0000000000000000", "address: 0000000000000008")
            .replace("[  123.", "[ 9999.")
            .replace("CPU: 3 PID: 412 Comm: kworker/3:1H", "CPU: 0 PID: 77 Comm: kworker/0:2H");
    KernelCrash c = KernelLogParser.parse(other).orElseThrow();

    assertThat(c.bucketId()).isEqualTo(parse("oops-null-deref-nvme.log").bucketId());
    assertThat(c.monotonicSeconds()).isEqualTo(9999.456789);
  }

  @Test
  void journalFormatGivesTheSameCrashAndIgnoresOtherServices() {
    String journal =
        "[  100.000000] fleet-node-17 systemd[1]: Started session-3.scope - Session 3.\n"
            + "[  101.000000] fleet-node-17 sshd[8123]: BUG: this is not the kernel speaking\n"
            + Fixtures.asJournal(Fixtures.text("oops-null-deref-nvme.log"), "fleet-node-17");
    KernelCrash c = KernelLogParser.parse(journal).orElseThrow();

    assertThat(c).isEqualTo(parse("oops-null-deref-nvme.log"));
  }

  @Test
  void truncatedDumpWithOnlyThePanicStillNamesTheModuleFromTheRepeatedRip() {
    // What a single small pstore part holds: the end of the trace, the repeated RIP, the panic.
    String text = Fixtures.text("pstore/dmesg-ramoops-0");
    KernelCrash c = KernelLogParser.parse(text).orElseThrow();

    assertThat(c.code()).isEqualTo("panic");
    assertThat(c.reason()).isEqualTo("Kernel panic - not syncing: Fatal exception");
    assertThat(c.module()).isEqualTo("acmesensor");
  }
}
