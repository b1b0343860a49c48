package dev.crashwatch.emitter.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;

  /** Fixed-width values, so every frame has the same size. */
  private static SpooledRecord record(int n) {
    return new SpooledRecord(
        "device-crashes",
        ("dev-" + (n % 7)).getBytes(StandardCharsets.UTF_8),
        String.format("crash-%06d", n).getBytes(StandardCharsets.UTF_8),
        1_721_360_000_000L + n);
  }

  private static final int FRAME = Frame.HEADER_BYTES + record(0).encode().length;

  private static SpoolConfig config(int recordsPerSegment, int maxRecords) {
    return SpoolConfig.defaults()
        .withMaxBytes((long) FRAME * maxRecords)
        .withSegmentBytes((long) FRAME * recordsPerSegment);
  }

  private static void append(Spool spool, int from, int to) throws IOException {
    for (int n = from; n < to; n++) {
      spool.append(record(n));
    }
  }

  private static List<SpooledRecord> records(List<SpoolEntry> entries) {
    return entries.stream().map(SpoolEntry::record).toList();
  }

  private static List<SpooledRecord> range(int from, int to) {
    return IntStream.range(from, to).mapToObj(SpoolTest::record).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  @Test
  void readsInOrderAcrossSegmentRolls() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 95);

      assertThat(segmentFiles()).hasSize(10);
      assertThat(segmentFiles().get(0).getFileName().toString())
          .isEqualTo("spool-00000000000000000000.log");
      assertThat(records(spool.read(1000))).isEqualTo(range(0, 95));
      assertThat(records(spool.read(7))).isEqualTo(range(0, 7));

      // a replayer loop: read a batch, deliver it, acknowledge it
      List<SpooledRecord> replayed = new ArrayList<>();
      for (List<SpoolEntry> batch = spool.read(13); !batch.isEmpty(); batch = spool.read(13)) {
        replayed.addAll(records(batch));
        spool.acknowledge(batch.get(batch.size() - 1).next());
      }
      assertThat(replayed).isEqualTo(range(0, 95));
      assertThat(spool.stats()).isEqualTo(new SpoolStats(95, 95, 0, 0, 0, 5L * FRAME, 1));
    }
  }

  @Test
  void dropNewestRefusesWhenFullAndKeepsTheOldestRecords() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 35))) {
      append(spool, 0, 35);

      assertThatThrownBy(() -> spool.append(record(35)))
          .isInstanceOf(SpoolFullException.class)
          .satisfies(e -> assertThat(((SpoolFullException) e).droppedSoFar()).isEqualTo(1));
      assertThatThrownBy(() -> spool.append(record(36))).isInstanceOf(SpoolFullException.class);

      assertThat(spool.stats()).isEqualTo(new SpoolStats(35, 0, 2, 0, 35, 35L * FRAME, 4));
      assertThat(records(spool.read(100))).isEqualTo(range(0, 35));

      // acknowledging frees whole segments, and then there is room again
      spool.acknowledge(spool.read(10).get(9).next());
      spool.append(record(37));
      assertThat(spool.stats().bytesOnDisk()).isEqualTo(26L * FRAME);
    }
  }

  @Test
  void dropOldestDeletesTheOldestSegmentsAndCountsTheirUnacknowledgedRecords() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 35).withFullPolicy(FullPolicy.DROP_OLDEST))) {
      append(spool, 0, 3);
      spool.acknowledge(spool.read(3).get(2).next()); // 3 of segment 0's records are delivered
      append(spool, 3, 100);

      SpoolStats stats = spool.stats();
      assertThat(stats.bytesOnDisk()).isLessThanOrEqualTo(35L * FRAME);
      assertThat(stats.appended()).isEqualTo(100);
      assertThat(stats.acknowledged()).isEqualTo(3);
      // segments 0..6 went: 70 records, of which 3 were acknowledged
      assertThat(stats.dropped()).isEqualTo(67);
      assertThat(stats.pending()).isEqualTo(30);
      assertThat(records(spool.read(100))).isEqualTo(range(70, 100));
    }
  }

  @Test
  void dropOldestCanDropTheActiveSegmentItself() throws IOException {
    SpoolConfig oneSegment = config(10, 10).withFullPolicy(FullPolicy.DROP_OLDEST);
    try (Spool spool = Spool.open(dir, oneSegment)) {
      append(spool, 0, 25);

      assertThat(records(spool.read(100))).isEqualTo(range(20, 25));
      assertThat(spool.stats().dropped()).isEqualTo(20);
    }
  }

  @Test
  void acknowledgementsSurviveReopeningAndNothingAcknowledgedComesBack() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 50);
      List<SpoolEntry> batch = spool.read(23);
      spool.acknowledge(batch.get(22).next());
      // acknowledging an earlier point again is harmless
      spool.acknowledge(batch.get(5).next());
    }
    assertThat(segmentFiles()).hasSize(3); // segments 0 and 1 were fully acknowledged
    assertThat(dir.resolve("spool.ack")).exists();
    assertThat(dir.resolve("spool.ack.tmp")).doesNotExist();

    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      assertThat(records(spool.read(100))).isEqualTo(range(23, 50));
      assertThat(spool.stats().pending()).isEqualTo(27);
      spool.acknowledge(spool.read(100).get(26).next());
      assertThat(spool.read(100)).isEmpty();
    }

    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      assertThat(spool.read(100)).isEmpty();
      append(spool, 50, 53);
      assertThat(records(spool.read(100))).isEqualTo(range(50, 53));
    }
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      assertThat(records(spool.read(100))).isEqualTo(range(50, 53));
    }
  }

  @Test
  void refusesToAcknowledgeAPositionThatIsNotARecordBoundary() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 5);
      SpoolPosition next = spool.read(1).get(0).next();

      assertThatThrownBy(() -> spool.acknowledge(new SpoolPosition(0, next.offset() + 1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> spool.acknowledge(new SpoolPosition(0, 6L * FRAME)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> spool.acknowledge(new SpoolPosition(9, 0)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(records(spool.read(10))).isEqualTo(range(0, 5));
    }
  }

  @Test
  void aTornFinalWriteIsTruncatedAndTheEarlierRecordsSurvive() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 15);
    }
    Path last = segmentFiles().get(1);
    try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
      channel.truncate(5L * FRAME - 3); // the 5th record of segment 1 lost its last 3 bytes
    }

    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      assertThat(Files.size(last)).isEqualTo(4L * FRAME);
      assertThat(records(spool.read(100))).isEqualTo(range(0, 14));
      assertThat(spool.stats().lost()).isZero();
      spool.append(record(99));
    }
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      List<SpooledRecord> expected = new ArrayList<>(range(0, 14));
      expected.add(record(99));
      assertThat(records(spool.read(100))).isEqualTo(expected);
    }
  }

  @Test
  void garbageAfterTheLastRecordIsTruncated() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 15);
    }
    Path last = segmentFiles().get(1);
    long size = Files.size(last);
    // a plausible-looking header (right magic, small length) followed by junk, then zeros
    ByteBuffer junk = ByteBuffer.allocate(64);
    junk.put(Frame.MAGIC).putInt(20).putInt(12345).put("not a record".getBytes());
    Files.write(last, junk.array(), StandardOpenOption.APPEND);

    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      assertThat(Files.size(last)).isEqualTo(size);
      assertThat(records(spool.read(100))).isEqualTo(range(0, 15));
      assertThat(spool.stats().lost()).isZero();
    }
  }

  @Test
  void aFlippedByteInAnEarlierSegmentLosesOnlyThatSegmentsRemainder() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 30);
    }
    Path first = segmentFiles().get(0);
    long size = Files.size(first);
    try (FileChannel channel =
        FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = 5L * FRAME + Frame.HEADER_BYTES + 10; // inside record 5's payload
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      channel.write(b, at);
    }

    for (int open = 0; open < 2; open++) { // the same answer every time, nothing rewritten
      try (Spool spool = Spool.open(dir, config(10, 1000))) {
        List<SpooledRecord> expected = new ArrayList<>(range(0, 5));
        expected.addAll(range(10, 30));
        assertThat(records(spool.read(100))).isEqualTo(expected);
        assertThat(spool.stats().lost()).isEqualTo(5);
        assertThat(spool.stats().pending()).isEqualTo(25);
        assertThat(Files.size(first)).isEqualTo(size);
      }
    }
  }

  @Test
  void aCorruptLengthInAnEarlierSegmentNeitherThrowsNorLoops() throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 20);
    }
    try (FileChannel channel = FileChannel.open(segmentFiles().get(0), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE), 3L * FRAME + 1);
    }

    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      List<SpooledRecord> expected = new ArrayList<>(range(0, 3));
      expected.addAll(range(10, 20));
      assertThat(records(spool.read(100))).isEqualTo(expected);
      assertThat(spool.stats().lost()).isGreaterThanOrEqualTo(1);
    }
  }

  /** A disk that takes {@code budget} more bytes and then fails, part way through a write. */
  private static final class FillingDisk implements ChannelWrites {
    long budget = Long.MAX_VALUE;

    @Override
    public int write(FileChannel channel, ByteBuffer source, long position) throws IOException {
      if (budget <= 0) {
        throw new IOException("No space left on device");
      }
      ByteBuffer part = source.slice();
      part.limit((int) Math.min(part.remaining(), budget));
      int written = channel.write(part, position);
      source.position(source.position() + written);
      budget -= written;
      return written;
    }
  }

  @Test
  void aFullDiskRefusesTheRecordAndLeavesTheSpoolConsistent() throws IOException {
    FillingDisk disk = new FillingDisk();
    try (Spool spool = Spool.open(dir, config(10, 1000), disk)) {
      append(spool, 0, 13);
      disk.budget = 2L * FRAME + 7; // two more records and 7 bytes of a third

      spool.append(record(13));
      spool.append(record(14));
      assertThatThrownBy(() -> spool.append(record(15)))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(SpoolFullException.class)
          .hasMessageContaining("No space left");
      assertThatThrownBy(() -> spool.append(record(16))).isInstanceOf(IOException.class);

      assertThat(Files.size(segmentFiles().get(1))).isEqualTo(5L * FRAME);
      assertThat(spool.stats().appended()).isEqualTo(15);
      assertThat(records(spool.read(100))).isEqualTo(range(0, 15));

      disk.budget = Long.MAX_VALUE; // space was freed
      spool.append(record(17));
      assertThat(records(spool.read(100)).get(15)).isEqualTo(record(17));
    }
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      List<SpooledRecord> expected = new ArrayList<>(range(0, 15));
      expected.add(record(17));
      assertThat(records(spool.read(100))).isEqualTo(expected);
      assertThat(spool.stats().lost()).isZero();
    }
  }

  @Test
  void batchedDurabilityForcesOnFlushAndClose() throws IOException {
    SpoolConfig batched =
        config(10, 1000).withDurability(Durability.every(1000, Duration.ofHours(1)));
    try (Spool spool = Spool.open(dir, batched)) {
      append(spool, 0, 12);
      spool.flush();
      append(spool, 12, 14);
    }
    try (Spool spool = Spool.open(dir, batched)) {
      assertThat(records(spool.read(100))).isEqualTo(range(0, 14));
    }
  }

  @Test
  void corruptionFoundOnReadSkipsTheRestOfThatSegmentAndNewAppendsStillReadBack()
      throws IOException {
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      append(spool, 0, 5);
      try (FileChannel channel =
          FileChannel.open(segmentFiles().get(0), StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(new byte[] {'X'}), 2L * FRAME + Frame.HEADER_BYTES + 3);
      }

      assertThat(records(spool.read(100))).isEqualTo(range(0, 2));
      assertThat(spool.stats().lost()).isEqualTo(3);
      spool.append(record(50));
      List<SpooledRecord> expected = new ArrayList<>(range(0, 2));
      expected.add(record(50));
      assertThat(records(spool.read(100))).isEqualTo(expected);
    }
    try (Spool spool = Spool.open(dir, config(10, 1000))) {
      List<SpooledRecord> expected = new ArrayList<>(range(0, 2));
      expected.add(record(50));
      assertThat(records(spool.read(100))).isEqualTo(expected);
    }
  }

  @Test
  void appendsFromManyThreadsAreAllKeptEachThreadInItsOwnOrder() throws Exception {
    int threads = 4;
    int perThread = 250;
    SpoolConfig batched =
        config(50, 10_000).withDurability(Durability.every(100, Duration.ofSeconds(1)));
    try (Spool spool = Spool.open(dir, batched)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    spool.append(new SpooledRecord("t" + thread, null, null, i));
                  }
                  return null;
                }));
      }
      pool.shutdown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }

      List<SpooledRecord> all = records(spool.read(threads * perThread + 1));
      assertThat(all).hasSize(threads * perThread);
      for (int t = 0; t < threads; t++) {
        String topic = "t" + t;
        assertThat(all.stream().filter(r -> r.topic().equals(topic)).map(SpooledRecord::timestamp))
            .containsExactlyElementsOf(
                IntStream.range(0, perThread).mapToObj(i -> (long) i).toList());
      }
      assertThat(spool.stats().appended()).isEqualTo(threads * perThread);
    }
  }

  @Test
  void aClosedSpoolRefusesUse() throws IOException {
    Spool spool = Spool.open(dir, SpoolConfig.defaults());
    spool.close();
    spool.close();
    assertThatThrownBy(() -> spool.append(record(0))).isInstanceOf(IllegalStateException.class);
  }
}
