package dev.crashwatch.emitter.linux;

import dev.crashwatch.emitter.event.ShutdownKind;
import java.time.Instant;
import java.util.Optional;

/**
 * What the collector concluded about the previous boot, with the evidence, so a caller can log why.
 *
 * @param shutdown how it ended
 * @param crash the crash found, if any
 * @param crashSource where the crash text came from: {@code journal} or {@code pstore}, null
 *     without a crash
 * @param crashTime best estimate of when it crashed, null without a crash
 * @param bootId the previous boot's id when the journal knows it, else null
 * @param journalFound whether the journal had the previous boot
 * @param pstoreFound whether pstore held a crash dump from the previous boot
 */
public record PreviousBootReport(
    ShutdownKind shutdown,
    Optional<KernelCrash> crash,
    String crashSource,
    Instant crashTime,
    String bootId,
    boolean journalFound,
    boolean pstoreFound) {}
