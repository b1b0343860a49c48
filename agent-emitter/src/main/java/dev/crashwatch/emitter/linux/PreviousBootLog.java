package dev.crashwatch.emitter.linux;

import java.time.Instant;
import java.util.Optional;

/**
 * What the journal says about the previous boot.
 *
 * @param bootId that boot's id ({@code _BOOT_ID} without dashes, as journald stores it, or with
 *     them), null when unknown
 * @param kernelLog the kernel messages, as {@code journalctl -k -o short-monotonic} prints them:
 *     where an oops or panic shows up, when journald managed to write it before the end
 * @param tail the last lines of the whole journal (every service, same format): where the shutdown
 *     markers of a clean stop are, since those come from systemd, not from the kernel
 * @param lastEntryTime wall-clock time of the last entry, null when unknown
 * @param lastEntryMonotonicSeconds the same entry's monotonic time (seconds since that boot), null
 *     when unknown; with {@code lastEntryTime} it turns the monotonic timestamps of kernel lines
 *     into wall-clock times
 */
public record PreviousBootLog(
    String bootId,
    String kernelLog,
    String tail,
    Instant lastEntryTime,
    Double lastEntryMonotonicSeconds) {

  public PreviousBootLog {
    kernelLog = kernelLog == null ? "" : kernelLog;
    tail = tail == null ? "" : tail;
  }

  /**
   * Wall-clock time of a monotonic timestamp of that boot. Approximate: the monotonic clock stops
   * during suspend, so a suspend between the two moments shifts the result by its length.
   */
  public Optional<Instant> wallClockOf(double monotonicSeconds) {
    if (lastEntryTime == null || lastEntryMonotonicSeconds == null) {
      return Optional.empty();
    }
    long deltaMicros = Math.round((lastEntryMonotonicSeconds - monotonicSeconds) * 1_000_000d);
    return Optional.of(lastEntryTime.minusNanos(deltaMicros * 1_000L));
  }
}
