package dev.crashwatch.emitter.linux;

import dev.crashwatch.emitter.event.BootEvent;
import dev.crashwatch.emitter.event.CrashEvent;
import dev.crashwatch.emitter.event.CrashKind;
import dev.crashwatch.emitter.event.HeartbeatEvent;
import dev.crashwatch.emitter.event.ShutdownKind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds Crashwatch events from a Linux host: a {@link BootEvent} for the running boot (with how
 * the previous one ended), a {@link CrashEvent} when the previous boot crashed, and {@link
 * HeartbeatEvent}s.
 *
 * <p>Reads, all through {@link HostFiles}: {@code /proc/sys/kernel/random/boot_id}, {@code
 * /proc/stat} ({@code btime}; {@code /proc/uptime} against the clock as fallback), {@code
 * /proc/sys/kernel/osrelease}, {@code /etc/machine-id}, {@code /sys/fs/pstore/dmesg-*}; and the
 * previous boot's journal through {@link PreviousBootJournal}.
 *
 * <p>Event ids of the boot and crash events are derived from device and boot id, not random: a
 * collector that runs twice in one boot (a restart of the agent) sends the same ids, and consumers
 * drop the repeats.
 */
public final class LinuxCollector {

  /** Component id of the kernel, the Linux counterpart of {@code windows}. */
  public static final String KERNEL_COMPONENT = "linux";

  private static final Pattern BTIME = Pattern.compile("(?m)^btime\\s+(\\d+)\\s*$");
  private static final Pattern HEX_BOOT_ID = Pattern.compile("^[0-9a-f]{32}$");

  private final HostFiles host;
  private final PreviousBootJournal journal;
  private final Clock clock;
  private final CollectorConfig config;
  private PreviousBootReport previous;

  public LinuxCollector(
      HostFiles host, PreviousBootJournal journal, Clock clock, CollectorConfig config) {
    this.host = host;
    this.journal = journal;
    this.clock = clock;
    this.config = config;
  }

  /** The running host, its journal through {@code journalctl}, the system clock. */
  public static LinuxCollector system(CollectorConfig config) {
    return new LinuxCollector(
        HostFiles.system(), new JournalctlJournal(), Clock.systemUTC(), config);
  }

  /** The running boot's id, as the kernel prints it (a UUID with dashes). */
  public String bootId() {
    return host.firstLine("/proc/sys/kernel/random/boot_id")
        .orElseThrow(() -> missing("/proc/sys/kernel/random/boot_id"));
  }

  /**
   * When the running boot started. {@code btime} in {@code /proc/stat} is exact to the second and
   * does not drift; {@code uptime} against the clock is the fallback (it includes suspended time
   * only on some kernels, so it may be off after a suspend).
   */
  public Instant bootTime() {
    Optional<Instant> btime =
        host.read("/proc/stat")
            .map(BTIME::matcher)
            .filter(Matcher::find)
            .map(m -> Instant.ofEpochSecond(Long.parseLong(m.group(1))));
    if (btime.isPresent()) {
      return btime.get();
    }
    return host.firstLine("/proc/uptime")
        .map(s -> s.split("\\s+")[0])
        .map(Double::parseDouble)
        .map(up -> clock.instant().minus(Duration.ofMillis(Math.round(up * 1000))))
        .orElseThrow(() -> missing("/proc/stat (btime) and /proc/uptime"));
  }

  /** The device id: configured, else {@code /etc/machine-id}. */
  public String deviceId() {
    if (config.deviceId() != null) {
      return config.deviceId();
    }
    return host.firstLine("/etc/machine-id").orElseThrow(() -> missing("/etc/machine-id"));
  }

  /** The running kernel's release, what {@code uname -r} prints; empty when unreadable. */
  public Optional<String> kernelRelease() {
    return host.firstLine("/proc/sys/kernel/osrelease");
  }

  /** Versions of the kernel and every configured component that could be resolved. */
  public Map<String, String> components() {
    Map<String, String> out = new LinkedHashMap<>();
    if (!config.components().containsKey(KERNEL_COMPONENT)) {
      kernelRelease().ifPresent(r -> out.put(KERNEL_COMPONENT, r));
    }
    config
        .components()
        .forEach((id, source) -> source.version(host).ifPresent(v -> out.put(id, v)));
    return out;
  }

  /** The previous boot, analysed once per collector (the journal calls are not free). */
  public synchronized PreviousBootReport previousBoot() {
    if (previous == null) {
      previous = analysePreviousBoot();
    }
    return previous;
  }

  private PreviousBootReport analysePreviousBoot() {
    Instant bootTime = bootTime();
    Optional<PreviousBootLog> log = journal.previousBoot();
    Optional<KernelCrash> journalCrash = log.flatMap(l -> KernelLogParser.parse(l.kernelLog()));
    Optional<PstoreDump> dump = previousBootDump(log, bootTime);
    Optional<KernelCrash> dumpCrash = dump.flatMap(d -> KernelLogParser.parse(d.text()));
    // A pstore dump whose text the parser cannot name still says the kernel went down.
    Optional<KernelCrash> pstoreCrash = dump.map(d -> dumpCrash.orElseGet(() -> unnamedCrash(d)));
    ShutdownKind shutdown = ShutdownClassifier.classify(log, journalCrash, dump);

    // The journal's text is preferred (timestamps, the whole oops); pstore when journald never
    // wrote the crash, which is usual for a panic: the disk is not written any more.
    Optional<KernelCrash> crash = journalCrash.isPresent() ? journalCrash : pstoreCrash;
    String source =
        journalCrash.isPresent() ? "journal" : pstoreCrash.isPresent() ? "pstore" : null;
    Instant crashTime = null;
    if (crash.isPresent()) {
      crashTime =
          journalCrash
              .flatMap(c -> Optional.ofNullable(c.monotonicSeconds()))
              .flatMap(s -> log.flatMap(l -> l.wallClockOf(s)))
              .or(() -> dump.map(PstoreDump::time))
              .or(() -> log.map(PreviousBootLog::lastEntryTime))
              // Nothing dates it: it happened before this boot started, which is the latest bound.
              .orElse(bootTime);
      if (crashTime.isAfter(bootTime)) {
        crashTime = bootTime;
      }
    }
    String previousBootId =
        log.map(PreviousBootLog::bootId).map(LinuxCollector::dashed).orElse(null);
    return new PreviousBootReport(
        shutdown, crash, source, crashTime, previousBootId, log.isPresent(), dump.isPresent());
  }

  /**
   * The newest pstore crash dump written before this boot, and after the previous boot started when
   * the journal tells when that was. Dumps stay in pstore until someone deletes them; without this
   * window an old panic would be reported again on every boot.
   */
  private Optional<PstoreDump> previousBootDump(Optional<PreviousBootLog> log, Instant bootTime) {
    Optional<Instant> previousStart =
        log.filter(l -> l.lastEntryTime() != null && l.lastEntryMonotonicSeconds() != null)
            .flatMap(l -> l.wallClockOf(0));
    List<PstoreDump> candidates = new ArrayList<>();
    for (PstoreDump d : PstoreReader.read(host)) {
      boolean beforeThisBoot = !d.time().isAfter(bootTime);
      boolean inPreviousBoot = previousStart.map(s -> !d.time().isBefore(s)).orElse(true);
      if (d.isCrash() && beforeThisBoot && inPreviousBoot) {
        candidates.add(d);
      }
    }
    return candidates.isEmpty()
        ? Optional.empty()
        : Optional.of(candidates.get(candidates.size() - 1));
  }

  private static KernelCrash unnamedCrash(PstoreDump d) {
    String code = "Panic".equals(d.reason()) ? "panic" : "oops";
    String reason = d.reason() + " (pstore dump without a recognised reason line)";
    return new KernelCrash(
        code,
        reason,
        "Panic".equals(d.reason()) ? reason : null,
        null,
        null,
        List.of(),
        null,
        null,
        KernelLogParser.bucket(code, reason, null, null, List.of()));
  }

  /** The Boot event of the running boot. */
  public BootEvent boot() {
    String bootId = bootId();
    return new BootEvent(
        stableId("boot", bootId),
        deviceId(),
        config.tenantId(),
        config.ring(),
        bootId,
        bootTime(),
        kernelRelease().orElse("unknown"),
        previousBoot().shutdown(),
        components());
  }

  /**
   * The Crash event of the previous boot, uploaded now; empty when it did not crash. Components are
   * today's versions, except the kernel, which is taken from the crash text when it names one (an
   * update may have changed components between the crash and this boot; the kernel is the one that
   * can be checked).
   */
  public Optional<CrashEvent> crash() {
    PreviousBootReport report = previousBoot();
    if (report.crash().isEmpty()) {
      return Optional.empty();
    }
    KernelCrash k = report.crash().get();
    String currentBootId = bootId();
    Map<String, String> components = new LinkedHashMap<>(components());
    if (k.kernelRelease() != null) {
      components.put(KERNEL_COMPONENT, k.kernelRelease());
    }
    List<String> parameters = new ArrayList<>();
    parameters.add(k.reason());
    if (k.panicReason() != null && !k.panicReason().equals(k.reason())) {
      parameters.add(k.panicReason());
    }
    return Optional.of(
        new CrashEvent(
            stableId("crash", currentBootId),
            deviceId(),
            config.tenantId(),
            config.ring(),
            // Without the journal the crashed boot's id is not known; naming it by its successor
            // keeps it unique per device and stable across collector restarts.
            report.bootId() != null ? report.bootId() : "before-" + currentBootId,
            report.crashTime(),
            clock.instant(),
            CrashKind.KERNEL_BUGCHECK,
            k.code(),
            parameters,
            k.module(),
            moduleVersion(k).orElse(null),
            k.bucketId(),
            components));
  }

  /**
   * The module's version from {@code /sys/module/<name>/version}, only when the crashed boot ran
   * the kernel running now (otherwise the loaded module may be another build).
   */
  private Optional<String> moduleVersion(KernelCrash k) {
    if (k.module() == null || "vmlinux".equals(k.module())) {
      return Optional.empty();
    }
    Optional<String> running = kernelRelease();
    if (k.kernelRelease() != null && !running.map(k.kernelRelease()::equals).orElse(false)) {
      return Optional.empty();
    }
    return host.firstLine("/sys/module/" + k.module().replace('-', '_') + "/version");
  }

  /** A heartbeat of one sensor, with the versions of every configured component and the kernel. */
  public HeartbeatEvent heartbeat(SensorSpec sensor) {
    Map<String, String> components = components();
    return new HeartbeatEvent(
        UUID.randomUUID().toString(),
        deviceId(),
        config.tenantId(),
        config.ring(),
        sensor.vendor(),
        sensor.product(),
        components.getOrDefault(sensor.product(), "unknown"),
        sensor.contentComponent() == null ? null : components.get(sensor.contentComponent()),
        sensor.mode(),
        sensor.health(),
        clock.instant(),
        components);
  }

  private String stableId(String kind, String bootId) {
    return UUID.nameUUIDFromBytes(
            (kind + ":" + deviceId() + ":" + bootId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** journald stores boot ids as 32 hex digits; the kernel and Boot events use the UUID form. */
  static String dashed(String id) {
    if (id == null || !HEX_BOOT_ID.matcher(id).matches()) {
      return id;
    }
    return id.substring(0, 8)
        + "-"
        + id.substring(8, 12)
        + "-"
        + id.substring(12, 16)
        + "-"
        + id.substring(16, 20)
        + "-"
        + id.substring(20);
  }

  private static IllegalStateException missing(String what) {
    return new IllegalStateException("cannot read " + what + " (is this a Linux host?)");
  }
}
