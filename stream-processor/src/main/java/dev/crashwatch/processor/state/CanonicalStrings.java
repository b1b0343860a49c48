package dev.crashwatch.processor.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One {@link String} object per distinct short text a thread decodes: the strings of the
 * processor's state records (components, versions, tenants, rings, health) are a few thousand texts
 * repeated in millions of records, and a decoded record that points at the same objects as every
 * other keeps them in the CPU's caches, compares them by reference, hashes them once, and allocates
 * nothing for them.
 *
 * <p>Bounded: at {@code capacity} distinct texts the table starts again empty (strings already
 * handed out stay valid; they are only no longer shared), so texts no record carries any more, or
 * device input that names ever new ones, cannot grow it. Texts longer than {@link #MAX_BYTES} are
 * decoded anew every time. Not thread-safe: one table per thread.
 */
final class CanonicalStrings {

  /** Longer texts are not shared: none of the state's repeated strings is this long. */
  static final int MAX_BYTES = 64;

  private final int capacity;
  private final byte[][] texts;
  private final String[] strings;
  private final int mask;
  private int size;

  /**
   * @param capacity distinct texts held at most (the table has twice as many slots)
   */
  CanonicalStrings(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    int slots = Integer.highestOneBit(capacity * 2 - 1) << 1;
    this.texts = new byte[slots][];
    this.strings = new String[slots];
    this.mask = slots - 1;
  }

  /** The string of the UTF-8 text in {@code bytes[0, length)}, shared when seen before. */
  String of(byte[] bytes, int length) {
    if (length == 0) {
      return "";
    }
    if (length > MAX_BYTES) {
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
    int h = 1;
    for (int i = 0; i < length; i++) {
      h = 31 * h + bytes[i];
    }
    int home = (h ^ (h >>> 16)) & mask;
    int slot = home;
    for (byte[] text = texts[slot]; text != null; text = texts[slot]) {
      if (Arrays.equals(text, 0, text.length, bytes, 0, length)) {
        return strings[slot];
      }
      slot = (slot + 1) & mask;
    }
    if (size == capacity) {
      Arrays.fill(texts, null);
      Arrays.fill(strings, null);
      size = 0;
      slot = home; // the table is empty now: the text goes where its hash points
    }
    String s = new String(bytes, 0, length, StandardCharsets.UTF_8);
    texts[slot] = Arrays.copyOf(bytes, length);
    strings[slot] = s;
    size++;
    return s;
  }

  /** Distinct texts held now; for tests. */
  int size() {
    return size;
  }
}
