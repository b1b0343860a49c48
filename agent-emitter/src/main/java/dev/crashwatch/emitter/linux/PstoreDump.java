package dev.crashwatch.emitter.linux;

import java.time.Instant;
import java.util.List;

/**
 * One kernel log dump kept in pstore across a reboot: the parts of one {@code Panic#N} or {@code
 * Oops#N} record put back in order.
 *
 * @param reason the header's reason: {@code Panic}, {@code Oops}, or another kmsg_dump reason
 *     ({@code Emergency}, {@code Restart}, {@code Halt}, {@code Poweroff}) that is no crash
 * @param text the dump's log text, oldest part first, headers removed
 * @param time when the dump was written: pstore gives each file the record's timestamp as mtime
 * @param files the host paths of the parts, for the report
 */
public record PstoreDump(String reason, String text, Instant time, List<String> files) {

  public PstoreDump {
    files = List.copyOf(files);
  }

  /** Panic and Oops dumps are crashes; the other reasons are written on orderly stops. */
  public boolean isCrash() {
    return "Panic".equals(reason) || "Oops".equals(reason);
  }
}
