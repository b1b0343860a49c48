package dev.crashwatch.serde;

import java.io.ByteArrayOutputStream;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the record (no Avro container header, no schema).
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  static void writeHeader(ByteArrayOutputStream out, int schemaId) {
    out.write(MAGIC_BYTE);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
  }

  /**
   * A value in the wire format: the header for {@code schemaId}, then {@code length} bytes from
   * {@code avro} at {@code offset}, the binary of a record already encoded in that schema. For a
   * producer that writes the binary without Avro's schema classes (the endpoint emitter).
   */
  public static byte[] withHeader(int schemaId, byte[] avro, int offset, int length) {
    byte[] value = new byte[HEADER_SIZE + length];
    value[0] = MAGIC_BYTE;
    value[1] = (byte) (schemaId >>> 24);
    value[2] = (byte) (schemaId >>> 16);
    value[3] = (byte) (schemaId >>> 8);
    value[4] = (byte) schemaId;
    System.arraycopy(avro, offset, value, HEADER_SIZE, length);
    return value;
  }

  /**
   * The schema id of a payload, after checking its header.
   *
   * @throws SerdeException {@link SerdeError#TRUNCATED} if shorter than the header, {@link
   *     SerdeError#BAD_MAGIC_BYTE} if the first byte is not 0
   */
  public static int schemaId(byte[] payload, String topic) {
    if (payload.length < HEADER_SIZE) {
      throw new SerdeException(
          SerdeError.TRUNCATED,
          "payload of "
              + payload.length
              + " bytes on topic "
              + topic
              + " is shorter than the "
              + HEADER_SIZE
              + "-byte header (magic byte, 4-byte schema id) of the Confluent wire format");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerdeException(
          SerdeError.BAD_MAGIC_BYTE,
          "payload on topic "
              + topic
              + " starts with byte "
              + describe(payload[0])
              + ", expected magic byte 0x00 of the Confluent wire format"
              + hint(payload[0]));
    }
    return ((payload[1] & 0xff) << 24)
        | ((payload[2] & 0xff) << 16)
        | ((payload[3] & 0xff) << 8)
        | (payload[4] & 0xff);
  }

  /** "0x7b ('{')" */
  static String describe(byte b) {
    String hex = String.format("0x%02x", b & 0xff);
    return b >= 0x20 && b < 0x7f ? hex + " ('" + (char) b + "')" : hex;
  }

  /** The two usual culprits, named, so the reader of a dead letter knows where to look. */
  private static String hint(byte b) {
    if (b == '{' || b == '[') {
      return " (looks like JSON: the producer did not use the Avro serializer)";
    }
    if (b == 'O') {
      return " (looks like an Avro container file 'Obj', not the wire format)";
    }
    return "";
  }
}
