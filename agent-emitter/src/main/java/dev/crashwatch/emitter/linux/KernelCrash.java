package dev.crashwatch.emitter.linux;

import java.util.List;

/**
 * A kernel crash found in log text by {@link KernelLogParser}.
 *
 * @param code short kind of failure, used as the Crash event's bugcheck code: {@code oops} (page
 *     fault or NULL dereference), {@code GPF} (general protection fault), {@code BUG} ({@code
 *     kernel BUG at ...}) or {@code panic} (a panic with no oops before it in the text)
 * @param reason the line that names the failure, without timestamp, e.g. {@code BUG: kernel NULL
 *     pointer dereference, address: 0000000000000000}
 * @param panicReason the {@code Kernel panic - not syncing: ...} message when the machine panicked
 *     (for code {@code panic} the same as the reason), null when the text shows no panic
 * @param module the faulting module: the bracketed module of the faulting instruction, else of the
 *     first call-trace frame in a module, else {@code vmlinux} (the core kernel); null when the
 *     text has no instruction pointer or trace at all
 * @param function the function the instruction pointer was in, null when unknown
 * @param frames the function names of the top reliable call-trace frames (no offsets, no {@code ?}
 *     guesses)
 * @param kernelRelease the release from the {@code CPU: ... Tainted: ... 6.1.0-18-amd64 #1} line,
 *     null when absent
 * @param monotonicSeconds the printk timestamp of the reason line (seconds since that boot), null
 *     when the text has no timestamps
 * @param bucketId stable hash of code, reason (addresses masked), module and frames: the same cause
 *     gives the same bucket on every machine and every run
 */
public record KernelCrash(
    String code,
    String reason,
    String panicReason,
    String module,
    String function,
    List<String> frames,
    String kernelRelease,
    Double monotonicSeconds,
    String bucketId) {

  public KernelCrash {
    frames = List.copyOf(frames);
  }

  /** Whether the text shows the kernel went down (a panic) rather than killing one task. */
  public boolean panicked() {
    return panicReason != null;
  }
}
