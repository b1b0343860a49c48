package dev.crashwatch.processor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FieldShapeTest {

  /** The regexes the shapes replaced, as they were written. */
  private static final List<Object[]> SHAPES =
      List.of(
          new Object[] {DeviceInput.IDENTIFIER, "[A-Za-z0-9][A-Za-z0-9._-]*"},
          new Object[] {DeviceInput.VERSION, "[A-Za-z0-9][A-Za-z0-9._:+~-]*"},
          new Object[] {DeviceInput.MODULE, "[A-Za-z0-9_][A-Za-z0-9._$~-]*"},
          new Object[] {DeviceInput.BUGCHECK, "[A-Za-z0-9][A-Za-z0-9_]*"});

  /** Characters near every edge of the sets: punctuation, control, Latin-1, other scripts. */
  private static final String ALPHABET =
      "aZ09_.-:+~$ /\\@#%'\"\u0000\u001f\u007f\u0080\u00e9\u0130\u0131\u212a\u0410\u4e2d";

  @Test
  void eachShapeMatchesWhatItsRegexMatches() {
    Random random = new Random(1907);
    for (Object[] shape : SHAPES) {
      FieldShape fieldShape = (FieldShape) shape[0];
      Pattern regex = Pattern.compile((String) shape[1]);
      assertThat(fieldShape.pattern()).isEqualTo(shape[1]);
      int matched = 0;
      for (int i = 0; i < 20_000; i++) {
        StringBuilder value = new StringBuilder();
        int length = 1 + random.nextInt(6);
        for (int c = 0; c < length; c++) {
          value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        boolean expected = regex.matcher(value).matches();
        assertThat(fieldShape.matches(value.toString()))
            .as("%s on %s", shape[1], value)
            .isEqualTo(expected);
        matched += expected ? 1 : 0;
      }
      assertThat(matched).as("%s: some random strings match", shape[1]).isPositive();
    }
  }

  @Test
  void everyAsciiCharacterFirstAndAfterAsItsRegexSays() {
    for (Object[] shape : SHAPES) {
      FieldShape fieldShape = (FieldShape) shape[0];
      Pattern regex = Pattern.compile((String) shape[1]);
      for (char c = 0; c < 256; c++) {
        assertThat(fieldShape.matches(String.valueOf(c)))
            .as("%s first %04x", shape[1], (int) c)
            .isEqualTo(regex.matcher(String.valueOf(c)).matches());
        assertThat(fieldShape.matches("a" + c))
            .as("%s after %04x", shape[1], (int) c)
            .isEqualTo(regex.matcher("a" + c).matches());
      }
    }
    assertThat(DeviceInput.IDENTIFIER.matches("")).isFalse();
  }
}
