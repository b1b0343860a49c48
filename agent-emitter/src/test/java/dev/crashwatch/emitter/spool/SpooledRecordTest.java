package dev.crashwatch.emitter.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpooledRecordTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsEveryField() {
    SpooledRecord record =
        new SpooledRecord(
            "device-crashes", bytes("dev-1"), new byte[] {0, 1, 2, -1}, 1721360000123L);

    SpooledRecord decoded = SpooledRecord.decode(record.encode());

    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.key()).containsExactly(bytes("dev-1"));
    assertThat(decoded.value()).containsExactly(0, 1, 2, -1);
    assertThat(decoded.timestamp()).isEqualTo(1721360000123L);
  }

  @Test
  void keepsANullKeyAndANullValueApartFromEmptyOnes() {
    SpooledRecord nulls = new SpooledRecord("t", null, null, 0);
    SpooledRecord empties = new SpooledRecord("t", new byte[0], new byte[0], 0);

    assertThat(SpooledRecord.decode(nulls.encode()).key()).isNull();
    assertThat(SpooledRecord.decode(nulls.encode()).value()).isNull();
    assertThat(SpooledRecord.decode(empties.encode())).isEqualTo(empties).isNotEqualTo(nulls);
  }

  @Test
  void startsWithItsVersionAndRejectsAnUnknownOne() {
    byte[] encoded = new SpooledRecord("t", null, bytes("v"), 1).encode();
    assertThat(encoded[0]).isEqualTo(SpooledRecord.VERSION);

    encoded[0] = 99;
    assertThatThrownBy(() -> SpooledRecord.decode(encoded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 99");
  }

  @Test
  void rejectsTruncatedAndOverlongBytes() {
    byte[] encoded = new SpooledRecord("t", bytes("k"), bytes("v"), 1).encode();

    assertThatThrownBy(() -> SpooledRecord.decode(Arrays.copyOf(encoded, encoded.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpooledRecord.decode(Arrays.copyOf(encoded, encoded.length + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
