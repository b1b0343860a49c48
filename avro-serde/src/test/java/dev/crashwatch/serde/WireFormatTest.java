package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void headerIsMagicByteThenBigEndianId() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WireFormat.writeHeader(out, 0x01020304);
    assertThat(out.toByteArray()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void readsBackTheIdItWrote() {
    for (int id : new int[] {0, 1, 255, 256, 65_536, 0x7fff_ffff}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      WireFormat.writeHeader(out, id);
      out.write(42); // an Avro body
      assertThat(WireFormat.schemaId(out.toByteArray(), "t")).isEqualTo(id);
    }
  }

  @Test
  void headerAloneIsAValidPayload() {
    // A record with no fields encodes to zero bytes.
    assertThat(WireFormat.schemaId(new byte[] {0, 0, 0, 0, 7}, "t")).isEqualTo(7);
  }

  @Test
  void shorterThanTheHeaderIsTruncated() {
    for (int n = 0; n < WireFormat.HEADER_SIZE; n++) {
      byte[] payload = new byte[n];
      assertThatThrownBy(() -> WireFormat.schemaId(payload, "boots"))
          .isInstanceOfSatisfying(
              SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.TRUNCATED))
          .hasMessageContaining(n + " bytes")
          .hasMessageContaining("boots");
    }
  }

  @Test
  void wrongMagicByteSaysWhatWasFound() {
    byte[] json = "{\"deviceId\":\"d1\"}".getBytes();
    assertThatThrownBy(() -> WireFormat.schemaId(json, "boots"))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.BAD_MAGIC_BYTE))
        .hasMessageContaining("0x7b ('{')")
        .hasMessageContaining("looks like JSON");
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {(byte) 0xff, 0, 0, 0, 1}, "t"))
        .hasMessageContaining("starts with byte 0xff,");
  }
}
