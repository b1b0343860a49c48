package dev.crashwatch.emitter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted acknowledgement point, {@code spool.ack}: segment (long), offset (long), CRC32C of
 * those 16 bytes (int).
 *
 * <p>Written to a temporary file, forced, then renamed over the old one with {@code ATOMIC_MOVE},
 * and the directory forced: after a crash the file is either the old point or the new one, never
 * half of each. An unreadable file falls back to "nothing acknowledged": replaying too much is safe
 * (consumers de-duplicate), skipping records is not.
 */
final class AckFile {

  private static final Logger LOG = LoggerFactory.getLogger(AckFile.class);
  private static final int BYTES = 8 + 8 + 4;

  private final Path file;

  AckFile(Path directory) {
    this.file = directory.resolve("spool.ack");
  }

  /** The persisted point, or null if there is none (or it is unreadable). */
  SpoolPosition read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length != BYTES || crc(bytes) != in.getInt(16)) {
      LOG.warn("{} is corrupt; replaying the spool from its oldest record", file);
      return null;
    }
    return new SpoolPosition(in.getLong(0), in.getLong(8));
  }

  void write(SpoolPosition position) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(BYTES);
    out.putLong(position.segment()).putLong(position.offset());
    out.putInt(crc(out.array()));
    DurableFile.replace(file, out.array());
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 16);
    return (int) crc.getValue();
  }
}
