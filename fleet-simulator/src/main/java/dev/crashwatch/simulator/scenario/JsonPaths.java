package dev.crashwatch.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Paths such as {@code fleet.components[1].versions[0].share}; the document itself is the empty
 * path, shown as {@code $}.
 */
final class JsonPaths {

  static final String ROOT = "";

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_SHOWN = 60;

  private JsonPaths() {}

  static String field(String parent, String name) {
    if (!PLAIN_NAME.matcher(name).matches()) {
      // Keys such as component ids contain dots, which would read as nesting.
      return parent + "[" + quote(name) + "]";
    }
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  static String display(String path) {
    return path.isEmpty() ? "$" : path;
  }

  /** A value as it appears in the file, for "was ..." in messages. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    String text = node.toString();
    return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
