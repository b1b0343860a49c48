package dev.crashwatch.emitter.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The previous boot's journal read by running {@code journalctl -b -1}: three short calls (kernel
 * messages, the tail of everything, the last entry as JSON for its two timestamps) rather than one
 * dump of the whole journal, which can be hundreds of megabytes.
 *
 * <p>Any failure (no {@code journalctl} binary, no previous boot in the journal, a timeout) yields
 * {@link Optional#empty()}: the collector must work on hosts without systemd.
 */
public final class JournalctlJournal implements PreviousBootJournal {

  /** Lines of the whole journal's end that are searched for shutdown markers. */
  static final int TAIL_LINES = 300;

  private static final Pattern REALTIME =
      Pattern.compile("\"__REALTIME_TIMESTAMP\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern MONOTONIC =
      Pattern.compile("\"__MONOTONIC_TIMESTAMP\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern BOOT_ID = Pattern.compile("\"_BOOT_ID\"\\s*:\\s*\"([0-9a-f]+)\"");

  private final String executable;
  private final Duration timeout;

  public JournalctlJournal() {
    this("journalctl", Duration.ofSeconds(30));
  }

  public JournalctlJournal(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  @Override
  public Optional<PreviousBootLog> previousBoot() {
    // The last entry first: it fails fast (non-zero exit) when there is no previous boot, and a
    // boot may have entries but no kernel messages (kernel logging not forwarded to journald).
    Optional<String> lastEntry = run("-b", "-1", "-n", "1", "-o", "json");
    if (lastEntry.isEmpty()) {
      return Optional.empty();
    }
    String last = lastEntry.get();
    String kernel = run("-b", "-1", "-k", "-o", "short-monotonic").orElse("");
    String tail =
        run("-b", "-1", "-n", Integer.toString(TAIL_LINES), "-o", "short-monotonic").orElse("");
    Instant lastTime = firstGroup(REALTIME, last).map(JournalctlJournal::micros).orElse(null);
    Double lastMono =
        firstGroup(MONOTONIC, last).map(s -> Long.parseLong(s) / 1_000_000d).orElse(null);
    String bootId = firstGroup(BOOT_ID, last).orElse(null);
    return Optional.of(new PreviousBootLog(bootId, kernel, tail, lastTime, lastMono));
  }

  private static Instant micros(String s) {
    long us = Long.parseLong(s);
    return Instant.ofEpochSecond(us / 1_000_000L, (us % 1_000_000L) * 1_000L);
  }

  private static Optional<String> firstGroup(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Stdout of a successful run; empty on a non-zero exit, a missing binary or a timeout. */
  private Optional<String> run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.add("--no-pager");
    command.add("-q");
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return Optional.empty();
    }
    // Read stdout concurrently so a large journal cannot fill the pipe and block the process.
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      String text = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      // journalctl exits 0 with "-- No entries --" on some versions (suppressed by -q): treat an
      // empty answer as no journal for that boot.
      return process.exitValue() == 0 && !text.isBlank() ? Optional.of(text) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return Optional.empty();
    } catch (Exception e) {
      process.destroyForcibly();
      return Optional.empty();
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
