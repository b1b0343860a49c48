package dev.crashwatch.emitter.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} of a real writer process mid-run: everything it reported accepted survives. */
class SpoolCrashTest {

  static SpoolConfig config() {
    // small segments, so the kill also lands around segment rolls
    return SpoolConfig.defaults().withSegmentBytes(4096);
  }

  static SpooledRecord numbered(long n) {
    return new SpooledRecord(
        "device-crashes",
        "dev-1".getBytes(StandardCharsets.UTF_8),
        Long.toString(n).getBytes(StandardCharsets.UTF_8),
        n);
  }

  @Test
  @Timeout(120)
  void everyPrintedRecordSurvivesSigkillInOrderWithoutDuplicatesOrGarbage(@TempDir Path dir)
      throws Exception {
    Path spoolDir = dir.resolve("spool");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcrashwatch.test.log=spool-crash-writer",
                "-cp",
                System.getProperty("java.class.path"),
                SpoolCrashWriter.class.getName(),
                spoolDir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<Long> printed = new ArrayList<>();
    CountDownLatch enough = new CountDownLatch(200);
    Thread reader = new Thread(() -> readLines(child.getInputStream(), printed, enough));
    reader.setDaemon(true);
    reader.start();
    try {
      assertThat(enough.await(60, TimeUnit.SECONDS))
          .as("the writer printed 200 numbers within 60 s")
          .isTrue();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the writer died").isTrue();
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(reader.isAlive()).as("stdout drained").isFalse();

    List<Long> printedSnapshot;
    synchronized (printed) {
      printedSnapshot = List.copyOf(printed);
    }
    assertThat(printedSnapshot).hasSizeGreaterThanOrEqualTo(200);
    try (Spool spool = Spool.open(spoolDir, config())) {
      List<Long> spooled = new ArrayList<>();
      for (SpoolEntry entry : spool.read(Integer.MAX_VALUE)) {
        assertThat(entry.record().topic()).isEqualTo("device-crashes");
        long n = Long.parseLong(new String(entry.record().value(), StandardCharsets.UTF_8));
        assertThat(entry.record()).isEqualTo(numbered(n));
        spooled.add(n);
      }
      // 0, 1, 2, ... with nothing missing, repeated or out of order; at most the unprinted tail
      // beyond the last printed number may be there as well
      assertThat(spooled)
          .containsExactlyElementsOf(LongStream.range(0, spooled.size()).boxed().toList());
      assertThat(spooled).hasSizeGreaterThanOrEqualTo(printedSnapshot.size());
      assertThat(spooled).startsWith(printedSnapshot.toArray(Long[]::new));
      assertThat(spool.stats().lost()).isZero();
    }
  }

  /** Collects only complete lines: a partial last line (cut by the kill) is ignored. */
  private static void readLines(InputStream in, List<Long> printed, CountDownLatch enough) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (in) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          synchronized (printed) {
            printed.add(Long.parseLong(line.toString(StandardCharsets.US_ASCII)));
          }
          enough.countDown();
          line.reset();
        } else {
          line.write(b);
        }
      }
    } catch (IOException e) {
      // the pipe closes when the child dies
    }
  }
}
