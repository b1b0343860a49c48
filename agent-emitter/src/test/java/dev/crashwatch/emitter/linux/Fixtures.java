package dev.crashwatch.emitter.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the hand-written logs in {@code src/test/resources/linux/}. */
final class Fixtures {

  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/linux/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A dmesg-format log turned into {@code journalctl -k -o short-monotonic} lines. */
  static String asJournal(String dmesg, String host) {
    StringBuilder out = new StringBuilder();
    for (String line : dmesg.split("\n")) {
      int end = line.indexOf("] ");
      out.append(line, 0, end + 2)
          .append(host)
          .append(" kernel: ")
          .append(line.substring(end + 2))
          .append('\n');
    }
    return out.toString();
  }
}
