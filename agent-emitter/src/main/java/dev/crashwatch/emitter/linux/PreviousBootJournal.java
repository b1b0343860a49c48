package dev.crashwatch.emitter.linux;

import java.util.Optional;

/**
 * Where the collector gets the journal of the boot before this one. An interface so that the real
 * {@code journalctl} ({@link JournalctlJournal}) can be swapped for fixture text in tests.
 */
public interface PreviousBootJournal {

  /**
   * The previous boot's journal, or empty when there is none to read: no {@code journalctl}, a
   * volatile (non-persistent) journal, or a first boot. Empty means "no evidence", not "clean".
   */
  Optional<PreviousBootLog> previousBoot();

  /** A journal that never has anything: for hosts where the journal must not be consulted. */
  static PreviousBootJournal none() {
    return Optional::empty;
  }
}
