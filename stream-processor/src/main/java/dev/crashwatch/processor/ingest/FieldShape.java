package dev.crashwatch.processor.ingest;

/**
 * The characters a device string may have: a first character and then any number of others, each
 * from a set of ASCII letters, digits and a few more, what the regex {@link #pattern} says. Checked
 * with a lookup table instead of a regex engine because a dozen fields of every record pass here
 * (as Kafka checks topic names with a loop, not a regex); {@code FieldShapeTest} holds it to the
 * regex on random strings.
 */
final class FieldShape {

  private static final String ALPHANUMERIC = "A-Za-z0-9";

  private final String pattern;
  private final boolean[] first = new boolean[128];
  private final boolean[] rest = new boolean[128];

  /**
   * @param firstExtra characters allowed first besides letters and digits
   * @param restExtra characters allowed after the first besides letters and digits
   */
  FieldShape(String firstExtra, String restExtra) {
    this.pattern = "[" + ALPHANUMERIC + firstExtra + "][" + ALPHANUMERIC + restExtra + "]*";
    allow(first, firstExtra);
    allow(rest, restExtra);
  }

  private static void allow(boolean[] set, String extra) {
    for (char c = 'A'; c <= 'Z'; c++) {
      set[c] = true;
      set[Character.toLowerCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      set[c] = true;
    }
    for (char c : extra.toCharArray()) {
      set[c] = true;
    }
  }

  /** The regex this shape is, for messages. */
  String pattern() {
    return pattern;
  }

  /** Whether {@code value} (not empty) has this shape. */
  boolean matches(String value) {
    int length = value.length();
    if (length == 0 || !allowed(first, value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      if (!allowed(rest, value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowed(boolean[] set, char c) {
    return c < set.length && set[c];
  }
}
