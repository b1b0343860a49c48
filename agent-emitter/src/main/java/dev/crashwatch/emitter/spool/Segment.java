package dev.crashwatch.emitter.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file, {@code spool-<20-digit sequence>.log}, and what the spool knows about it. Holds
 * no records in memory: only its valid length, its record count and how far it is acknowledged.
 */
final class Segment {

  private static final Logger LOG = LoggerFactory.getLogger(Segment.class);

  final long sequence;
  final Path path;

  /** Where the valid records end; for the active segment, where the next append goes. */
  long end;

  /** Bytes in the file (more than {@link #end} if a corrupt remainder was skipped). */
  long fileBytes;

  /** Valid records before {@link #end}. */
  long records;

  /** Acknowledged records and where they end; only the oldest segment is partly acknowledged. */
  long acknowledged;

  long acknowledgedOffset;

  Segment(long sequence, Path path) {
    this.sequence = sequence;
    this.path = path;
  }

  static String fileName(long sequence) {
    return String.format("spool-%020d.log", sequence);
  }

  long unacknowledged() {
    return records - acknowledged;
  }

  /**
   * Scans the file frame by frame and finds where its valid records end. A bad frame in the last
   * segment is a torn write from a crash: the file is truncated there (the record was never
   * accepted under fsync-per-append). A bad frame in an earlier segment (which was forced before
   * the next one began) is corruption: the remainder is skipped, never read as records.
   *
   * @param acknowledgedOffset the persisted acknowledgement offset in this segment, or 0
   * @return the number of records lost: valid-looking frames after the bad one, plus the bad one
   *     itself when it was not a torn tail
   */
  long recover(boolean last, long acknowledgedOffset) throws IOException {
    try (FileChannel channel =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      long position = 0;
      while (position < size) {
        byte[] payload = Frame.read(channel, position, size);
        if (payload == null) {
          break;
        }
        position += Frame.HEADER_BYTES + payload.length;
        records++;
        if (position <= acknowledgedOffset) {
          // a persisted point that is not a frame boundary falls back to the boundary before it
          acknowledged++;
          this.acknowledgedOffset = position;
        }
      }
      end = position;
      fileBytes = size;
      if (position == size) {
        return 0;
      }
      long following = countFramesAfterBadOne(channel, position, size);
      if (last) {
        channel.truncate(position);
        channel.force(true);
        fileBytes = position;
        LOG.warn(
            "spool segment {}: torn write at offset {}, truncated {} bytes{}",
            path.getFileName(),
            position,
            size - position,
            following > 0 ? " (" + following + " intact-looking records after it lost)" : "");
        return following;
      }
      LOG.warn(
          "spool segment {}: corrupt record at offset {}, skipping the remaining {} bytes"
              + " (at least {} records lost)",
          path.getFileName(),
          position,
          size - position,
          following + 1);
      return following + 1;
    }
  }

  /**
   * Counts the frames after a bad one, for the report only: if just the payload was damaged, its
   * length still leads to the next frame. Nothing counted here is handed out, because a record
   * whose CRC fails may also have a damaged length, and then what follows is not a frame at all.
   */
  private static long countFramesAfterBadOne(FileChannel channel, long bad, long size)
      throws IOException {
    int length = Frame.plausibleLength(channel, bad, size);
    if (length < 0) {
      return 0;
    }
    long count = 0;
    long position = bad + Frame.HEADER_BYTES + length;
    byte[] payload;
    while (position < size && (payload = Frame.read(channel, position, size)) != null) {
      count++;
      position += Frame.HEADER_BYTES + payload.length;
    }
    return count;
  }
}
