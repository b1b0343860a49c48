package dev.crashwatch.emitter.spool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-process main for {@link SpoolCrashTest}: appends numbered records with an fsync per append
 * and prints each number once its append returned, until it is killed.
 */
public final class SpoolCrashWriter {

  private SpoolCrashWriter() {}

  public static void main(String[] args) throws Exception {
    SpoolConfig config = SpoolCrashTest.config();
    try (Spool spool = Spool.open(Path.of(args[0]), config)) {
      for (long n = 0; n < 10_000_000; n++) {
        spool.append(SpoolCrashTest.numbered(n));
        // one write per line, so a kill cannot leave half a number followed by a newline
        System.out.write((n + "\n").getBytes(StandardCharsets.US_ASCII));
        System.out.flush();
      }
    }
  }
}
