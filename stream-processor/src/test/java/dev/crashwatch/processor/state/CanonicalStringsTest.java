package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CanonicalStringsTest {

  private static String of(CanonicalStrings table, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // a buffer longer than the text, as a decoder's scratch buffer is
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 5);
    Arrays.fill(padded, bytes.length, padded.length, (byte) 'x');
    return table.of(padded, bytes.length);
  }

  @Test
  void theSameTextIsTheSameObjectAndOtherTextsAreTheirOwn() {
    CanonicalStrings table = new CanonicalStrings(16);

    String first = of(table, "7.11.18110");
    String again = of(table, "7.11.18110");
    String other = of(table, "7.10.17706");

    assertThat(first).isEqualTo("7.11.18110").isSameAs(again);
    assertThat(other).isEqualTo("7.10.17706").isNotSameAs(first);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void decodesUtf8AndTheEmptyText() {
    CanonicalStrings table = new CanonicalStrings(16);

    assertThat(of(table, "Zürich-ß-東京")).isEqualTo("Zürich-ß-東京");
    assertThat(of(table, "")).isEmpty();
  }

  @Test
  void aLongTextIsDecodedButNotHeld() {
    CanonicalStrings table = new CanonicalStrings(16);
    String text = "v".repeat(CanonicalStrings.MAX_BYTES + 1);

    String first = of(table, text);
    String again = of(table, text);

    assertThat(first).isEqualTo(text).isEqualTo(again).isNotSameAs(again);
    assertThat(table.size()).isZero();
  }

  /** Device input may name ever new versions: the table never holds more than its capacity. */
  @Test
  void atCapacityItStartsAgainEmptyAndStillDecodesEveryText() {
    CanonicalStrings table = new CanonicalStrings(100);
    String kept = of(table, "kept");

    for (int i = 0; i < 1_000; i++) {
      assertThat(of(table, "version-" + i)).isEqualTo("version-" + i);
      assertThat(table.size()).isLessThanOrEqualTo(100);
    }

    assertThat(kept).isEqualTo("kept");
    String again = of(table, "kept");
    assertThat(again).isEqualTo("kept").isSameAs(of(table, "kept"));
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new CanonicalStrings(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}
