package dev.crashwatch.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The top-level scalar fields of a JSON object, read with jackson-core's streaming parser: all a
 * registry's answers carry that the client reads ({@code id}, {@code schema}, {@code error_code},
 * {@code message}, ...). Nested objects and arrays are skipped.
 *
 * <p>Why not Jackson's tree model: reading trees needs jackson-databind's {@code ObjectMapper},
 * whose construction alone loads some 600 classes (6.5 MiB of an idle JVM's memory, measured),
 * which the endpoint emitter, whose registry client this is too, otherwise never loads.
 */
final class JsonFields {

  private static final JsonFactory JSON = new JsonFactory();

  /** No fields: the body was empty, or not a JSON object (an HTML error page from a proxy, say). */
  static final JsonFields NONE = new JsonFields(Map.of());

  private final Map<String, Object> fields;

  private JsonFields(Map<String, Object> fields) {
    this.fields = fields;
  }

  static JsonFields parse(String text) {
    if (text.isBlank()) {
      return NONE;
    }
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NONE;
      }
      Map<String, Object> fields = new HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (value) {
          case VALUE_STRING -> fields.put(name, p.getText());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> fields.put(name, p.getNumberValue());
          case VALUE_TRUE, VALUE_FALSE -> fields.put(name, value == JsonToken.VALUE_TRUE);
          case START_OBJECT, START_ARRAY -> p.skipChildren();
          default -> {} // null: as if absent
        }
      }
      return new JsonFields(fields);
    } catch (IOException e) {
      return NONE; // not JSON after all
    }
  }

  /** The field as text (a number or boolean as JSON writes it), or {@code otherwise}. */
  String text(String name, String otherwise) {
    Object v = fields.get(name);
    return v == null ? otherwise : v.toString();
  }

  /** The field if it is a JSON string, else null. */
  String string(String name) {
    return fields.get(name) instanceof String s ? s : null;
  }

  /**
   * The field if it is a whole number within int range (or a string of one), else {@code
   * otherwise}.
   */
  int integer(String name, int otherwise) {
    Object v = fields.get(name);
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE
          ? n.intValue()
          : otherwise;
    }
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
    return otherwise;
  }

  /** Whether the field holds a whole number within int range. */
  boolean hasInteger(String name) {
    return fields.get(name) instanceof Number
        && integer(name, 0) == integer(name, 1); // the same either way: it was read
  }

  /**
   * The field if it is a JSON boolean (or the string {@code true}/{@code false}), else {@code
   * otherwise}.
   */
  boolean bool(String name, boolean otherwise) {
    Object v = fields.get(name);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    return otherwise;
  }
}
