package dev.crashwatch.simulator.scenario;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Scenario documents for tests: a valid one, changed at a JSON pointer. */
final class ScenarioJson {

  /** The repository's scenarios folder; surefire runs in the module directory. */
  static final Path SCENARIOS = Path.of("..", "scenarios");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root;

  private ScenarioJson(ObjectNode root) {
    this.root = root;
  }

  /** The reference scenario channel-file-291, which uses every field of the format. */
  static ScenarioJson reference() {
    try {
      return new ScenarioJson(
          (ObjectNode) JSON.readTree(SCENARIOS.resolve("channel-file-291.json").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A scenario with only the required fields. */
  static ScenarioJson minimal() {
    return parse(
        """
        {
          "name": "minimal",
          "start": "2024-07-19T03:30:00Z",
          "duration": "PT1H",
          "fleet": {
            "devices": 100,
            "rings": [{"name": "all", "share": 1.0}],
            "components": [
              {"id": "acme.sensor", "vendor": "acme",
               "versions": [{"version": "1.0", "share": 1}]}
            ]
          }
        }
        """);
  }

  static ScenarioJson parse(String json) {
    try {
      return new ScenarioJson((ObjectNode) JSON.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the value at a pointer such as {@code /fleet/rings/0/share}; a JSON text as value. */
  ScenarioJson set(String pointer, String jsonValue) {
    JsonNode value;
    try {
      value = JSON.readTree(jsonValue);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonPointer at = JsonPointer.compile(pointer);
    JsonNode parent = root.at(at.head());
    if (parent instanceof ObjectNode object) {
      object.set(at.last().getMatchingProperty(), value);
    } else if (parent instanceof ArrayNode array) {
      int index = at.last().getMatchingIndex();
      if (index == array.size()) {
        array.add(value);
      } else {
        array.set(index, value);
      }
    } else {
      throw new IllegalArgumentException("no container at " + pointer);
    }
    return this;
  }

  ScenarioJson remove(String pointer) {
    JsonPointer at = JsonPointer.compile(pointer);
    JsonNode parent = root.at(at.head());
    if (parent instanceof ObjectNode object) {
      object.remove(at.last().getMatchingProperty());
    } else if (parent instanceof ArrayNode array) {
      array.remove(at.last().getMatchingIndex());
    } else {
      throw new IllegalArgumentException("no container at " + pointer);
    }
    return this;
  }

  String json() {
    return root.toPrettyString();
  }

  Scenario load() {
    return ScenarioLoader.parse(json(), "test.json");
  }
}
