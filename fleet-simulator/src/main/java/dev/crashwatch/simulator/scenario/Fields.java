package dev.crashwatch.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of one JSON object, read strictly: every getter checks the type and range of its field
 * and throws {@link InvalidField} with the field's path. An explicit {@code null} counts as a
 * missing field.
 */
final class Fields {

  private final JsonNode node;
  private final String path;

  private Fields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The object at {@code path}, with no field outside {@code allowed}. */
  static Fields of(JsonNode node, String path, String... allowed) {
    return object(node, path).allowOnly(allowed);
  }

  /** The object at {@code path}; the caller checks its field names with {@link #allowOnly}. */
  static Fields object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new InvalidField(path, "must be an object, was " + JsonPaths.describe(node));
    }
    return new Fields(node, path);
  }

  Fields allowOnly(String... allowed) {
    List<String> names = List.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        throw new InvalidField(
            JsonPaths.field(path, name),
            "unknown field (allowed: " + String.join(", ", names) + ")");
      }
    }
    return this;
  }

  String path() {
    return path;
  }

  String pathOf(String field) {
    return JsonPaths.field(path, field);
  }

  boolean has(String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  private JsonNode required(String field) {
    if (!has(field)) {
      throw new InvalidField(pathOf(field), "missing required field");
    }
    return node.get(field);
  }

  private InvalidField invalid(String field, String expectation) {
    return new InvalidField(
        pathOf(field), expectation + ", was " + JsonPaths.describe(node.get(field)));
  }

  // --- strings

  String string(String field) {
    JsonNode value = required(field);
    if (!value.isTextual()) {
      throw invalid(field, "must be a string");
    }
    if (value.textValue().isBlank()) {
      throw invalid(field, "must not be empty");
    }
    return value.textValue();
  }

  /** An optional string, {@code fallback} when missing; present but blank is an error. */
  String string(String field, String fallback) {
    return has(field) ? string(field) : fallback;
  }

  <E> E choice(String field, Map<String, E> choices) {
    String text = string(field);
    E value = choices.get(text);
    if (value == null) {
      throw invalid(field, "must be one of " + String.join(", ", choices.keySet()));
    }
    return value;
  }

  <E> E choice(String field, Map<String, E> choices, E fallback) {
    return has(field) ? choice(field, choices) : fallback;
  }

  // --- numbers

  long longValue(String field, long fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (!value.isIntegralNumber()) {
      throw invalid(field, "must be an integer");
    }
    if (!value.canConvertToLong()) {
      throw invalid(field, "must fit in a signed 64-bit integer");
    }
    return value.longValue();
  }

  /** A required integer in {@code [min, max]}. */
  int integer(String field, int min, int max) {
    JsonNode value = required(field);
    if (!value.isIntegralNumber()) {
      throw invalid(field, "must be an integer");
    }
    if (!value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
      throw invalid(field, "must be an integer from " + min + " to " + max);
    }
    return value.intValue();
  }

  int integer(String field, int min, int max, int fallback) {
    return has(field) ? integer(field, min, max) : fallback;
  }

  private double number(String field) {
    JsonNode value = required(field);
    if (!value.isNumber()) {
      throw invalid(field, "must be a number");
    }
    double number = value.doubleValue();
    if (Double.isInfinite(number)) {
      throw invalid(field, "must be a finite number");
    }
    return number;
  }

  /** A required share or probability, in {@code [0, 1]}. */
  double fraction(String field) {
    double value = number(field);
    if (value < 0 || value > 1) {
      throw invalid(field, "must be between 0 and 1");
    }
    return value;
  }

  double fraction(String field, double fallback) {
    return has(field) ? fraction(field) : fallback;
  }

  double nonNegative(String field, double fallback) {
    if (!has(field)) {
      return fallback;
    }
    double value = number(field);
    if (value < 0) {
      throw invalid(field, "must not be negative");
    }
    return value;
  }

  // --- booleans

  boolean bool(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (!value.isBoolean()) {
      throw invalid(field, "must be true or false");
    }
    return value.booleanValue();
  }

  // --- time

  Instant instant(String field) {
    JsonNode value = required(field);
    if (value.isTextual()) {
      try {
        return Instant.parse(value.textValue());
      } catch (DateTimeParseException e) {
        // fall through to the common message
      }
    }
    throw invalid(field, "must be an ISO-8601 UTC time such as 2024-07-19T03:30:00Z");
  }

  /** A required duration that is not negative. */
  Duration duration(String field) {
    JsonNode value = required(field);
    Duration duration = null;
    if (value.isTextual()) {
      try {
        duration = Duration.parse(value.textValue());
      } catch (DateTimeParseException e) {
        // fall through to the common message
      }
    }
    if (duration == null) {
      throw invalid(field, "must be an ISO-8601 duration such as PT20M");
    }
    if (duration.isNegative()) {
      throw invalid(field, "must not be negative");
    }
    return duration;
  }

  Duration duration(String field, Duration fallback) {
    return has(field) ? duration(field) : fallback;
  }

  Duration positiveDuration(String field) {
    Duration duration = duration(field);
    if (duration.isZero()) {
      throw invalid(field, "must be longer than zero");
    }
    return duration;
  }

  Duration positiveDuration(String field, Duration fallback) {
    return has(field) ? positiveDuration(field) : fallback;
  }

  DurationRange range(String field, DurationRange fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (!value.isTextual()) {
      throw invalid(field, "must be a duration such as PT2M or a range such as PT1M..PT5M");
    }
    try {
      return DurationRange.parse(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidField(pathOf(field), e.getMessage());
    }
  }

  // --- structure

  Fields object(String field) {
    return object(required(field), pathOf(field));
  }

  /** The elements of a required array, which must not be empty. */
  List<JsonNode> nonEmptyArray(String field) {
    required(field);
    List<JsonNode> elements = array(field);
    if (elements.isEmpty()) {
      throw new InvalidField(pathOf(field), "must not be empty");
    }
    return elements;
  }

  /** The elements of an array, which may be missing (then empty). */
  List<JsonNode> array(String field) {
    if (!has(field)) {
      return List.of();
    }
    JsonNode value = node.get(field);
    if (!value.isArray()) {
      throw invalid(field, "must be an array");
    }
    List<JsonNode> elements = new ArrayList<>();
    value.forEach(elements::add);
    return elements;
  }

  /** The members of an optional object, in file order. */
  Map<String, JsonNode> members(String field) {
    Map<String, JsonNode> members = new LinkedHashMap<>();
    if (has(field)) {
      Fields object = object(field);
      object.node.properties().forEach(e -> members.put(e.getKey(), e.getValue()));
    }
    return members;
  }

  /** A sum of shares for a message: no binary noise such as 0.9500000000000001. */
  static String formatSum(double sum) {
    return new BigDecimal(sum).round(new MathContext(9)).stripTrailingZeros().toPlainString();
  }
}
