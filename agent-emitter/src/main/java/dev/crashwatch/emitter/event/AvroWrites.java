package dev.crashwatch.emitter.event;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.io.Encoder;

/** The Avro binary of the kinds of values the events hold, as Avro's own writers write them. */
final class AvroWrites {
  private AvroWrites() {}

  /** A {@code ["null", "string"]} union: branch 0 for null, 1 and the string otherwise. */
  static void nullableString(Encoder out, String value) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeString(value);
    }
  }

  /** A {@code timestamp-millis} long. */
  static void millis(Encoder out, Instant time) throws IOException {
    out.writeLong(time.toEpochMilli());
  }

  /** A map of strings: one block of all entries, then the empty block that ends it. */
  static void stringMap(Encoder out, Map<String, String> map) throws IOException {
    out.writeMapStart();
    out.setItemCount(map.size());
    for (Map.Entry<String, String> e : map.entrySet()) {
      out.startItem();
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
    out.writeMapEnd();
  }

  /** An array of strings: one block of all items, then the empty block that ends it. */
  static void stringArray(Encoder out, List<String> items) throws IOException {
    out.writeArrayStart();
    out.setItemCount(items.size());
    for (String item : items) {
      out.startItem();
      out.writeString(item);
    }
    out.writeArrayEnd();
  }

  /**
   * The time to the millisecond, as a {@code timestamp-millis} field holds it (the generated
   * classes truncate the same way when a field is set).
   */
  static Instant millis(String field, Instant time) {
    return Objects.requireNonNull(time, field).truncatedTo(ChronoUnit.MILLIS);
  }

  /** An unmodifiable copy in the given order (the order is the order of the encoded entries). */
  static Map<String, String> copy(String field, Map<String, String> map) {
    Objects.requireNonNull(map, field);
    map.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, () -> field + " has a null key");
          Objects.requireNonNull(v, () -> field + "." + k + " is null");
        });
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** An unmodifiable copy without nulls. */
  static List<String> copy(String field, List<String> items) {
    Objects.requireNonNull(items, field);
    return List.copyOf(items); // throws on a null item
  }
}
