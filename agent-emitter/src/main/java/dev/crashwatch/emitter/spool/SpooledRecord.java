package dev.crashwatch.emitter.spool;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record as the emitter would have sent it: already serialized, so replay needs neither
 * the schema registry nor the event classes (the value carries its own schema id).
 *
 * <p>Encoded as: version byte, topic (int length + UTF-8), key (int length or -1 for null), value
 * (int length or -1 for null), timestamp (long). The version byte lets a later emitter change the
 * layout and still read spools written by an older one.
 *
 * @param topic the Kafka topic
 * @param key the serialized key, or null
 * @param value the serialized value, or null (a tombstone)
 * @param timestamp the record's timestamp, epoch millis
 */
public record SpooledRecord(String topic, byte[] key, byte[] value, long timestamp) {

  static final byte VERSION = 1;

  public SpooledRecord {
    Objects.requireNonNull(topic, "topic");
  }

  public byte[] encode() {
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    int size = 1 + 4 + topicBytes.length + 4 + length(key) + 4 + length(value) + 8;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION);
    out.putInt(topicBytes.length).put(topicBytes);
    putNullable(out, key);
    putNullable(out, value);
    out.putLong(timestamp);
    return out.array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an encoded record of a known version
   */
  public static SpooledRecord decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown spooled record version " + version);
      }
      byte[] topic = getNullable(in);
      if (topic == null) {
        throw new IllegalArgumentException("spooled record without a topic");
      }
      byte[] key = getNullable(in);
      byte[] value = getNullable(in);
      long timestamp = in.getLong();
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes in spooled record");
      }
      return new SpooledRecord(new String(topic, StandardCharsets.UTF_8), key, value, timestamp);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated spooled record", e);
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void putNullable(ByteBuffer out, byte[] bytes) {
    if (bytes == null) {
      out.putInt(-1);
    } else {
      out.putInt(bytes.length).put(bytes);
    }
  }

  private static byte[] getNullable(ByteBuffer in) {
    int length = in.getInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad field length " + length + " in spooled record");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  // byte[] components compare by identity in a record; compare contents instead.
  @Override
  public boolean equals(Object o) {
    return o instanceof SpooledRecord r
        && timestamp == r.timestamp
        && topic.equals(r.topic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(key), Arrays.hashCode(value), timestamp);
  }

  @Override
  public String toString() {
    return "SpooledRecord[topic="
        + topic
        + ", key="
        + (key == null ? "null" : key.length + " bytes")
        + ", value="
        + (value == null ? "null" : value.length + " bytes")
        + ", timestamp="
        + timestamp
        + "]";
  }
}
