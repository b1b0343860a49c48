package dev.crashwatch.emitter.spool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The on-disk framing of one record: magic byte, payload length (int), CRC32C of the payload (int),
 * payload. Big-endian.
 *
 * <p>The magic byte is non-zero so that a tail of zeros (what some file systems show for space a
 * crash allocated but never wrote) is never taken for a record; the length is bounded so that a
 * corrupt length cannot make a reader allocate gigabytes; the CRC catches a torn or flipped
 * payload.
 */
final class Frame {

  static final byte MAGIC = (byte) 0xC5;
  static final int HEADER_BYTES = 1 + 4 + 4;

  /** No event comes near this; a larger length can only be corruption. */
  static final int MAX_PAYLOAD = 16 << 20;

  private Frame() {}

  static ByteBuffer encode(byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    frame.put(MAGIC).putInt(payload.length).putInt(crc(payload)).put(payload);
    return frame.flip();
  }

  static int crc(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return (int) crc.getValue();
  }

  /**
   * The payload length of the frame at {@code offset} if its header looks right (magic, length
   * within bounds and within {@code limit}), else -1. Does not check the CRC.
   */
  static int plausibleLength(FileChannel channel, long offset, long limit) throws IOException {
    ByteBuffer header = header(channel, offset, limit);
    return header == null ? -1 : header.getInt(1);
  }

  /**
   * The payload of the frame at {@code offset}, or null if the bytes before {@code limit} are not a
   * whole, intact frame (bad magic, impossible length, CRC mismatch).
   */
  static byte[] read(FileChannel channel, long offset, long limit) throws IOException {
    ByteBuffer header = header(channel, offset, limit);
    if (header == null) {
      return null;
    }
    byte[] payload = new byte[header.getInt(1)];
    readFully(channel, ByteBuffer.wrap(payload), offset + HEADER_BYTES);
    return crc(payload) == header.getInt(5) ? payload : null;
  }

  private static ByteBuffer header(FileChannel channel, long offset, long limit)
      throws IOException {
    if (limit - offset < HEADER_BYTES) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, offset);
    int length = header.getInt(1);
    boolean fits = length >= 0 && length <= MAX_PAYLOAD && length <= limit - offset - HEADER_BYTES;
    return header.get(0) == MAGIC && fits ? header : null;
  }

  static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new EOFException("segment ended before " + (position + buffer.limit()));
      }
    }
  }
}
