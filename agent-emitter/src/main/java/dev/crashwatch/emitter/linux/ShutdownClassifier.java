package dev.crashwatch.emitter.linux;

import dev.crashwatch.emitter.event.ShutdownKind;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides how the previous boot ended from the evidence the collector found. Pure, so every
 * combination is a unit test.
 *
 * <p>Order of the rules, and why:
 *
 * <ol>
 *   <li>a panic (in pstore, or in the journal) means {@link ShutdownKind#CRASH}, even after
 *       shutdown markers: a panic during the shutdown still took the machine down;
 *   <li>shutdown markers in the journal mean {@link ShutdownKind#CLEAN}; an oops that did not panic
 *       killed one task, and the machine then stopped in order;
 *   <li>an oops without a panic and without a clean stop after it is {@link ShutdownKind#CRASH}: a
 *       machine that oopsed and then stopped without shutting down almost always died of it;
 *   <li>a journal without markers is {@link ShutdownKind#UNEXPECTED_POWER_LOSS}: the log just stops
 *       (power cut, hard reset, hardware watchdog, a hang nobody logged);
 *   <li>no journal and no pstore is {@link ShutdownKind#UNKNOWN}: absence of evidence is not a
 *       clean shutdown.
 * </ol>
 */
public final class ShutdownClassifier {

  /**
   * What systemd logs at the end of an orderly stop. {@code systemd-shutdow} without the final n:
   * journald logs the sender's 15-character command name ("Received SIGTERM from PID 1
   * (systemd-shutdow)").
   */
  private static final Pattern CLEAN_MARKER =
      Pattern.compile(
          "Reached target [^\\n]*(?:Shutdown|Power[- ]?Off|Reboot|Halt|Kexec)"
              + "|systemd-shutdow"
              + "|systemd-journald(?:\\[\\d+\\])?: Journal stopped",
          Pattern.CASE_INSENSITIVE);

  private ShutdownClassifier() {}

  /** Whether the journal text contains the markers of an orderly shutdown or reboot. */
  public static boolean hasCleanShutdownMarkers(String journalText) {
    return CLEAN_MARKER.matcher(journalText).find();
  }

  public static ShutdownKind classify(
      Optional<PreviousBootLog> journal,
      Optional<KernelCrash> journalCrash,
      Optional<PstoreDump> pstoreCrash) {
    boolean panicked =
        journalCrash.map(KernelCrash::panicked).orElse(false)
            || pstoreCrash.map(d -> "Panic".equals(d.reason())).orElse(false);
    if (panicked) {
      return ShutdownKind.CRASH;
    }
    boolean clean =
        journal
            .map(j -> hasCleanShutdownMarkers(j.tail()) || hasCleanShutdownMarkers(j.kernelLog()))
            .orElse(false);
    if (clean) {
      return ShutdownKind.CLEAN;
    }
    if (journalCrash.isPresent() || pstoreCrash.isPresent()) {
      return ShutdownKind.CRASH;
    }
    return journal.isPresent() ? ShutdownKind.UNEXPECTED_POWER_LOSS : ShutdownKind.UNKNOWN;
  }
}
