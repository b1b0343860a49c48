package dev.crashwatch.emitter.linux;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the first kernel crash (oops, general protection fault, {@code kernel BUG at}, panic) in
 * kernel log text and names its cause. Pure: text in, result out, so each fixture is a test.
 *
 * <p>Accepts the three shapes the collector meets: {@code dmesg} ({@code [ 12.345678] msg}), {@code
 * journalctl -o short-monotonic} ({@code [ 12.345678] host kernel: msg}, other services' lines
 * ignored) and pstore records ({@code <4>[ 12.345678] msg}, after the {@code Panic#1 Part1}
 * header).
 *
 * <p>Only the first crash counts: once the kernel has oopsed, later oopses and the final panic are
 * usually its consequences ({@code Kernel panic - not syncing: Fatal exception} names no cause), so
 * the first one is the cause to bucket. Warnings that do not take anything down (hung tasks, soft
 * lockups, {@code WARNING: CPU:}) are not crashes; if they lead to a panic (hung_task_panic,
 * panic_on_warn) the panic line is what is found.
 */
public final class KernelLogParser {

  /**
   * Call-trace frames that go into the bucket: enough to separate causes, few enough to survive
   * small differences in how deep the trace was printed.
   */
  static final int BUCKET_FRAMES = 4;

  private static final Pattern SYSLOG_LEVEL = Pattern.compile("^<\\d+>");
  private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\]\\s?");
  private static final Pattern JOURNAL_PREFIX = Pattern.compile("^(\\S+) (\\S+?)(\\[\\d+\\])?: ");
  private static final Pattern JOURNAL_KERNEL_LINE =
      Pattern.compile("(?m)^\\[\\s*\\d+\\.\\d+\\] \\S+ kernel: ");

  private static final Pattern OOPS_START =
      Pattern.compile(
          "^(BUG: kernel NULL pointer dereference.*"
              + "|BUG: unable to handle (?:page fault|kernel paging request|kernel NULL pointer"
              + " dereference).*"
              + "|Unable to handle kernel (?:NULL pointer dereference|paging request).*)$");

  /** Kernels from 6.9 prefix it with "Oops: "; the bucket must not change with that. */
  private static final Pattern GPF = Pattern.compile("^(?:Oops: )?(general protection fault.*)$");

  private static final Pattern KERNEL_BUG = Pattern.compile("^(kernel BUG at .*)$");

  /** arm64 prints "Internal error: Oops: 0000000096000005 [#1]". */
  private static final Pattern BARE_OOPS = Pattern.compile("^(?:Internal error: )?(Oops: .*)$");

  private static final Pattern PANIC = Pattern.compile("^(Kernel panic - not syncing: ?(.*))$");

  /**
   * {@code RIP: 0010:nvme_queue_rq+0x4f/0x1a0 [nvme]}; arm64 prints {@code pc : func+0x../0x..}.
   */
  private static final Pattern IP =
      Pattern.compile(
          "^(?:[RE]IP: (?:[0-9a-f]{4}:)?|pc : )(?:\\[<[0-9a-f]+>\\] )?([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[([A-Za-z0-9_-]+)\\])?");

  /**
   * A call-trace frame: {@code blk_mq_dispatch_rq_list+0x1a5/0x7c0 [mod]}; {@code ?} frames are
   * stack leftovers the unwinder could not confirm, so they are skipped.
   */
  private static final Pattern FRAME =
      Pattern.compile(
          "^\\s*(\\?\\s+)?([A-Za-z_][A-Za-z0-9_.$]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[([A-Za-z0-9_-]+)\\])?\\s*$");

  private static final Pattern RELEASE =
      Pattern.compile("(?:Not tainted|Tainted:[ A-Z]*?)\\s+(\\d[^\\s]*)\\s+#");

  /** Hex numbers: addresses and register values differ between occurrences of one cause. */
  private static final Pattern HEX =
      Pattern.compile("\\b(?:0x)?[0-9a-fA-F]{8,}\\b|\\b0x[0-9a-fA-F]+\\b");

  private KernelLogParser() {}

  /** The first crash in the text, or empty when there is none. */
  public static Optional<KernelCrash> parse(String text) {
    List<Line> lines = normalize(text);
    int start = -1;
    String code = null;
    String reason = null;
    String panicReason = null;
    for (int i = 0; i < lines.size(); i++) {
      String msg = lines.get(i).msg();
      Matcher m;
      if (start < 0) {
        String found = null;
        if ((m = OOPS_START.matcher(msg)).matches()) {
          found = "oops";
        } else if ((m = GPF.matcher(msg)).matches()) {
          found = "GPF";
        } else if ((m = KERNEL_BUG.matcher(msg)).matches()) {
          found = "BUG";
        } else if ((m = BARE_OOPS.matcher(msg)).matches()) {
          // An oops whose headline was lost (a truncated pstore part, a partial journal).
          found = "oops";
        } else if ((m = PANIC.matcher(msg)).matches()) {
          found = "panic";
          panicReason = m.group(1);
        }
        if (found != null) {
          start = i;
          code = found;
          reason = m.group(1).trim();
        }
      } else if (panicReason == null && (m = PANIC.matcher(msg)).matches()) {
        panicReason = m.group(1).trim();
      }
    }
    if (start < 0) {
      return Optional.empty();
    }
    // A panic with no oops before it may still print the registers of a crash whose start was cut
    // off, so details are searched in the whole text when the panic is the first thing found.
    int from = "panic".equals(code) ? 0 : start;
    String function = null;
    String module = null;
    String release = null;
    List<String> frames = new ArrayList<>();
    String firstFrameModule = null;
    boolean traceEnded = false;
    for (int i = from; i < lines.size(); i++) {
      String msg = lines.get(i).msg();
      Matcher m;
      if (release == null && (m = RELEASE.matcher(msg)).find()) {
        release = m.group(1);
      }
      if (function == null && (m = IP.matcher(msg)).find()) {
        function = m.group(1);
        module = m.group(2);
        continue;
      }
      // Frames belong to this crash until the next one starts (a second oops, "---[ end trace").
      if (i > start && msg.startsWith("---[ end")) {
        traceEnded = true;
      }
      if (!traceEnded && (m = FRAME.matcher(msg)).matches() && m.group(1) == null) {
        if (frames.size() < BUCKET_FRAMES) {
          frames.add(m.group(2));
        }
        if (firstFrameModule == null && m.group(3) != null) {
          firstFrameModule = m.group(3);
        }
      }
    }
    if (module == null) {
      // The instruction pointer was in the core kernel (or not printed): blame the first module on
      // the stack, as the module that called into the kernel with bad data; else the kernel, when
      // there is an instruction pointer or a trace to say so.
      boolean anyCode = function != null || !frames.isEmpty();
      module = firstFrameModule != null ? firstFrameModule : (anyCode ? "vmlinux" : null);
    }
    Line first = lines.get(start);
    String bucket = bucket(code, reason, module, function, frames);
    return Optional.of(
        new KernelCrash(
            code,
            reason,
            panicReason,
            module,
            function,
            frames,
            release,
            first.monotonicSeconds(),
            bucket));
  }

  /** SHA-256 over code, masked reason, module and top frames; hex, first 16 characters. */
  static String bucket(
      String code, String reason, String module, String function, List<String> frames) {
    StringBuilder key = new StringBuilder();
    key.append(code).append('\n');
    key.append(HEX.matcher(reason).replaceAll("X")).append('\n');
    key.append(module == null ? "" : module).append('\n');
    key.append(function == null ? "" : function).append('\n');
    key.append(String.join(",", frames));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private record Line(Double monotonicSeconds, String msg) {}

  /** Strips level, timestamp and journal prefix; drops journal lines of other services. */
  private static List<Line> normalize(String text) {
    boolean journal = JOURNAL_KERNEL_LINE.matcher(text).find();
    List<Line> out = new ArrayList<>();
    for (String raw : text.split("\\R")) {
      String s = SYSLOG_LEVEL.matcher(raw).replaceFirst("");
      Double ts = null;
      Matcher t = TIMESTAMP.matcher(s);
      if (t.find()) {
        ts = Double.parseDouble(t.group(1));
        s = s.substring(t.end());
      }
      if (journal) {
        Matcher j = JOURNAL_PREFIX.matcher(s);
        if (!j.find() || !"kernel".equals(j.group(2))) {
          continue;
        }
        s = s.substring(j.end());
      }
      out.add(new Line(ts, s.stripTrailing()));
    }
    return out;
  }
}
