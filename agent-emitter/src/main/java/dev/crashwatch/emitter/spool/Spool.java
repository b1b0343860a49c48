package dev.crashwatch.emitter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emitter's durable local spool: where accepted events wait, on disk, while Kafka or the schema
 * registry is unreachable, to be replayed in order once they are back.
 *
 * <p>A directory of append-only segment files ({@code spool-<20-digit sequence>.log}, framed as
 * described in {@link Frame}) and an acknowledgement file ({@link AckFile}). {@link #append} adds a
 * record at the end; {@link #read} returns records from the acknowledgement point on, in order;
 * {@link #acknowledge} moves that point, persists it, and deletes segments that are fully behind
 * it. Records are streamed from disk: memory holds one batch of {@link #read}, never a segment.
 *
 * <p>Crash safety: {@link #open} scans every segment; a torn write at the end of the last segment
 * is truncated, corruption in an earlier segment is skipped (see {@link Segment#recover}). Neither
 * throws. A failed write (a full disk) is undone before {@link #append} throws, so the spool stays
 * consistent and the caller knows the record was not accepted. Delivery is at least once: a record
 * can come back after a crash if it was delivered but not yet acknowledged (consumers de-duplicate
 * by event id), but never after its acknowledgement was persisted.
 *
 * <p>Thread safety: every method is synchronized on the spool, so appends may come from any thread.
 * {@link #read} and {@link #acknowledge} share one acknowledgement point, so there is meant to be
 * one reader (the replayer); a read holds the lock for one batch, so keep batches modest.
 */
public final class Spool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final Pattern SEGMENT = Pattern.compile("spool-(\\d{20})\\.log");

  private final Path directory;
  private final SpoolConfig config;
  private final ChannelWrites writes;
  private final AckFile ackFile;

  /** Oldest first; never empty while open; the last one is the active (appended) segment. */
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();

  private FileChannel active;

  /** Set when a failed write could not be undone in place: the next append starts a new file. */
  private boolean rollBeforeNextAppend;

  private int unforcedRecords;
  private long oldestUnforcedNanos;
  private boolean closed;

  private long appended;
  private long acknowledged;
  private long dropped;
  private long lost;

  private Spool(Path directory, SpoolConfig config, ChannelWrites writes) {
    this.directory = directory;
    this.config = config;
    this.writes = writes;
    this.ackFile = new AckFile(directory);
  }

  /** Opens (creating if needed) the spool in {@code directory}, recovering it after a crash. */
  public static Spool open(Path directory, SpoolConfig config) throws IOException {
    return open(directory, config, ChannelWrites.DIRECT);
  }

  static Spool open(Path directory, SpoolConfig config, ChannelWrites writes) throws IOException {
    Spool spool = new Spool(directory, Objects.requireNonNull(config, "config"), writes);
    spool.recover();
    return spool;
  }

  private void recover() throws IOException {
    Files.createDirectories(directory);
    TreeMap<Long, Path> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(directory)) {
      list.forEach(
          path -> {
            Matcher m = SEGMENT.matcher(path.getFileName().toString());
            if (m.matches()) {
              files.put(Long.parseLong(m.group(1)), path);
            }
          });
    }
    SpoolPosition ack = ackFile.read();
    long nextSequence = ack == null ? 0 : ack.segment() + 1;
    for (var file : files.entrySet()) {
      long sequence = file.getKey();
      nextSequence = Math.max(nextSequence, sequence + 1);
      if (ack != null && sequence < ack.segment()) {
        // fully acknowledged; the crash came between persisting the point and deleting the file
        Files.delete(file.getValue());
        continue;
      }
      Segment segment = new Segment(sequence, file.getValue());
      boolean last = sequence == files.lastKey();
      long ackOffset = ack != null && sequence == ack.segment() ? ack.offset() : 0;
      lost += segment.recover(last, ackOffset);
      segments.addLast(segment);
    }
    if (segments.isEmpty()) {
      // numbered after the acknowledged one, so the persisted point cannot apply to the new file
      createSegment(nextSequence);
    } else {
      active =
          FileChannel.open(
              segments.getLast().path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  /**
   * Appends a record; on return it is accepted (and forced to disk if the {@link Durability} says
   * so now).
   *
   * @return where the record's frame starts
   * @throws SpoolFullException if the spool is full and the policy is {@link
   *     FullPolicy#DROP_NEWEST}, or the record alone is larger than the bound
   * @throws IOException if it could not be written (a full disk); the spool is unchanged
   */
  public synchronized SpoolPosition append(SpooledRecord record) throws IOException {
    ensureOpen();
    byte[] payload = record.encode();
    if (payload.length > Frame.MAX_PAYLOAD) {
      throw new IllegalArgumentException("record of " + payload.length + " bytes is too large");
    }
    ByteBuffer frame = Frame.encode(payload);
    int frameBytes = frame.remaining();
    makeRoom(frameBytes);
    Segment segment = segments.getLast();
    if (rollBeforeNextAppend
        || (segment.end > 0 && segment.end + frameBytes > config.segmentBytes())) {
      roll();
      segment = segments.getLast();
    }
    long start = segment.end;
    try {
      while (frame.hasRemaining()) {
        writes.write(active, frame, start + frame.position());
      }
      if (unforcedRecords++ == 0) {
        oldestUnforcedNanos = System.nanoTime();
      }
      if (unforcedRecords >= config.durability().maxRecords()
          || System.nanoTime() - oldestUnforcedNanos >= config.durability().maxDelay().toNanos()) {
        force();
      }
    } catch (IOException e) {
      undo(segment, start, e);
      throw e;
    }
    segment.end = start + frameBytes;
    segment.fileBytes = segment.end;
    segment.records++;
    appended++;
    return new SpoolPosition(segment.sequence, start);
  }

  /** Cuts a failed write off again, so that nothing half-written stays behind valid records. */
  private void undo(Segment segment, long start, IOException failure) {
    if (unforcedRecords > 0) {
      unforcedRecords--;
    }
    try {
      active.truncate(start);
      segment.fileBytes = start;
    } catch (IOException e) {
      // The bytes past segment.end are never read; recovery would cut or skip them. Writing on
      // after them is not safe, so the next append begins a new segment.
      failure.addSuppressed(e);
      rollBeforeNextAppend = true;
    }
  }

  private void makeRoom(int frameBytes) throws IOException {
    if (frameBytes > config.maxBytes()) {
      dropped++;
      throw new SpoolFullException(
          "record of " + frameBytes + " bytes exceeds the spool bound " + config.maxBytes(),
          dropped);
    }
    while (bytesOnDisk() + frameBytes > config.maxBytes()) {
      if (config.fullPolicy() == FullPolicy.DROP_NEWEST) {
        dropped++;
        throw new SpoolFullException(
            "spool full (" + bytesOnDisk() + " of " + config.maxBytes() + " bytes)", dropped);
      }
      if (segments.size() == 1) {
        roll(); // the active segment itself has to go; start its successor first
      }
      // delete before forgetting: a file that failed to go must not come back unannounced
      Files.deleteIfExists(segments.getFirst().path);
      Segment oldest = segments.removeFirst();
      dropped += oldest.unacknowledged();
      LOG.warn(
          "spool full: deleted {} with {} unacknowledged records",
          oldest.path.getFileName(),
          oldest.unacknowledged());
    }
  }

  private void roll() throws IOException {
    Segment current = segments.getLast();
    // An earlier segment is complete on disk, so corruption found in it later is not a torn write.
    active.force(true);
    unforcedRecords = 0;
    createSegment(current.sequence + 1);
  }

  private void createSegment(long sequence) throws IOException {
    Path path = directory.resolve(Segment.fileName(sequence));
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    DurableFile.syncDirectory(directory);
    if (active != null) {
      active.close();
    }
    active = channel;
    segments.addLast(new Segment(sequence, path));
    rollBeforeNextAppend = false;
  }

  /** Forces every appended record to disk. */
  public synchronized void flush() throws IOException {
    ensureOpen();
    force();
  }

  private void force() throws IOException {
    if (unforcedRecords > 0) {
      active.force(false);
      unforcedRecords = 0;
    }
  }

  /**
   * Up to {@code max} records from the acknowledgement point on, oldest first, across segments.
   * Reading does not move the point: until {@link #acknowledge} the same records come back, so a
   * failed delivery is simply retried.
   */
  public synchronized List<SpoolEntry> read(int max) throws IOException {
    ensureOpen();
    List<SpoolEntry> entries = new ArrayList<>();
    for (Segment segment : segments) {
      if (entries.size() >= max) {
        break;
      }
      long position = segment == segments.getFirst() ? segment.acknowledgedOffset : 0;
      if (position >= segment.end) {
        continue;
      }
      boolean isActive = segment == segments.getLast();
      FileChannel channel =
          isActive ? active : FileChannel.open(segment.path, StandardOpenOption.READ);
      try {
        while (position < segment.end && entries.size() < max) {
          byte[] payload = Frame.read(channel, position, segment.end);
          if (payload == null) {
            corruptOnRead(segment, position);
            break;
          }
          long next = position + Frame.HEADER_BYTES + payload.length;
          entries.add(
              new SpoolEntry(
                  new SpoolPosition(segment.sequence, position),
                  new SpoolPosition(segment.sequence, next),
                  decode(payload, segment, position)));
          position = next;
        }
      } finally {
        if (!isActive) {
          channel.close();
        }
      }
    }
    return entries;
  }

  private static SpooledRecord decode(byte[] payload, Segment segment, long position)
      throws IOException {
    try {
      return SpooledRecord.decode(payload);
    } catch (IllegalArgumentException e) {
      // The CRC matched, so the bytes are as written: a newer format, not corruption. Do not skip.
      throw new IOException(
          "cannot decode the record at " + segment.path.getFileName() + ":" + position, e);
    }
  }

  /** Bit rot since open: same rule as recovery, the rest of the segment is not trusted. */
  private void corruptOnRead(Segment segment, long position) throws IOException {
    long skipped = 0;
    try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
      for (long p = position; p < segment.end; skipped++) {
        int length = Frame.plausibleLength(channel, p, segment.end);
        if (length < 0) {
          break;
        }
        p += Frame.HEADER_BYTES + length;
      }
    }
    skipped = Math.max(skipped, 1);
    segment.records -= skipped;
    lost += skipped;
    segment.end = position;
    if (segment == segments.getLast()) {
      rollBeforeNextAppend = true; // do not append behind bytes that no longer read back
    }
    LOG.warn(
        "spool segment {}: corrupt record at offset {} on read; skipping the rest ({} records)",
        segment.path.getFileName(),
        position,
        skipped);
  }

  /**
   * Marks every record before {@code upTo} (an entry's {@link SpoolEntry#next()}) as delivered:
   * persists the point, then deletes the segments wholly before it. Acknowledging a point already
   * passed (or dropped) does nothing.
   *
   * @throws IllegalArgumentException if {@code upTo} is not a record boundary in the spool
   */
  public synchronized void acknowledge(SpoolPosition upTo) throws IOException {
    ensureOpen();
    Segment first = segments.getFirst();
    if (upTo.compareTo(new SpoolPosition(first.sequence, first.acknowledgedOffset)) <= 0) {
      return;
    }
    Segment target = null;
    long count = 0;
    for (Segment segment : segments) {
      if (segment.sequence == upTo.segment()) {
        target = segment;
        break;
      }
      count += segment.unacknowledged();
    }
    if (target == null || upTo.offset() > target.end) {
      throw new IllegalArgumentException(upTo + " is not in the spool");
    }
    long from = target == first ? target.acknowledgedOffset : 0;
    long inTarget = countFrames(target, from, upTo.offset());

    ackFile.write(upTo); // first persist, then delete: a crash in between only re-deletes
    acknowledged += count + inTarget;
    target.acknowledged += inTarget;
    target.acknowledgedOffset = upTo.offset();
    while (segments.getFirst() != target) {
      Files.deleteIfExists(segments.getFirst().path);
      segments.removeFirst();
    }
    if (target != segments.getLast() && target.acknowledgedOffset == target.end) {
      Files.deleteIfExists(target.path);
      segments.removeFirst();
    }
  }

  private long countFrames(Segment segment, long from, long to) throws IOException {
    long count = 0;
    try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ)) {
      long position = from;
      while (position < to) {
        int length = Frame.plausibleLength(channel, position, segment.end);
        if (length < 0) {
          break;
        }
        position += Frame.HEADER_BYTES + length;
        count++;
      }
      if (position != to) {
        throw new IllegalArgumentException(
            new SpoolPosition(segment.sequence, to) + " is not a record boundary");
      }
    }
    return count;
  }

  public synchronized SpoolStats stats() {
    long pending = 0;
    for (Segment segment : segments) {
      pending += segment.unacknowledged();
    }
    return new SpoolStats(
        appended, acknowledged, dropped, lost, pending, bytesOnDisk(), segments.size());
  }

  private long bytesOnDisk() {
    long bytes = 0;
    for (Segment segment : segments) {
      bytes += segment.fileBytes;
    }
    return bytes;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("spool is closed");
    }
  }

  /** Forces what was appended and closes the files. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      force();
    } finally {
      active.close();
    }
  }
}
