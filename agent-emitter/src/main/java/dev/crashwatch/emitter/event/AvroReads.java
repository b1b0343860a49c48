package dev.crashwatch.emitter.event;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.Decoder;

/** Reads back what {@link AvroWrites} writes, refusing what no valid event holds. */
final class AvroReads {
  private AvroReads() {}

  static String nullableString(Decoder in, String field) throws IOException {
    int branch = in.readIndex();
    return switch (branch) {
      case 0 -> null;
      case 1 -> in.readString();
      default -> throw new IOException(field + ": union branch " + branch + " of 2");
    };
  }

  static Instant millis(Decoder in) throws IOException {
    return Instant.ofEpochMilli(in.readLong());
  }

  static <E extends Enum<E>> E symbol(Decoder in, Class<E> type, String field) throws IOException {
    int index = in.readEnum();
    E[] symbols = type.getEnumConstants();
    if (index < 0 || index >= symbols.length) {
      throw new IOException(field + ": symbol " + index + " of " + symbols.length);
    }
    return symbols[index];
  }

  static Map<String, String> stringMap(Decoder in) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
      for (long i = 0; i < n; i++) {
        map.put(in.readString(), in.readString());
      }
    }
    return map;
  }

  static List<String> stringArray(Decoder in) throws IOException {
    List<String> items = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      for (long i = 0; i < n; i++) {
        items.add(in.readString());
      }
    }
    return items;
  }
}
