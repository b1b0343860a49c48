package dev.crashwatch.emitter.linux;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A previous boot's journal from fixture text in {@code journalctl -o short-monotonic} format: the
 * kernel log is its {@code kernel:} lines (what {@code -k} would print), the tail its last lines,
 * and the last line's monotonic time is anchored at the wall-clock time the test gives.
 */
final class FixtureJournal implements PreviousBootJournal {

  private static final Pattern TS = Pattern.compile("^\\[\\s*(\\d+\\.\\d+)\\]");

  private final String bootId;
  private final String text;
  private final Instant lastEntryTime;

  FixtureJournal(String bootId, String text, Instant lastEntryTime) {
    this.bootId = bootId;
    this.text = text;
    this.lastEntryTime = lastEntryTime;
  }

  @Override
  public Optional<PreviousBootLog> previousBoot() {
    List<String> lines = text.lines().toList();
    String kernel = String.join("\n", lines.stream().filter(l -> l.contains(" kernel: ")).toList());
    String tail =
        String.join(
            "\n",
            lines.subList(Math.max(0, lines.size() - JournalctlJournal.TAIL_LINES), lines.size()));
    Double lastMono = null;
    if (!lines.isEmpty()) {
      Matcher m = TS.matcher(lines.get(lines.size() - 1));
      lastMono = m.find() ? Double.parseDouble(m.group(1)) : null;
    }
    return Optional.of(new PreviousBootLog(bootId, kernel, tail, lastEntryTime, lastMono));
  }
}
