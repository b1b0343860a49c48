package dev.crashwatch.simulator.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads scenario files strictly: unknown fields, wrong types, missing required fields and broken
 * references are errors that name the field, and missing optional fields take the defaults listed
 * on {@link Scenario}.
 *
 * <pre>{@code
 * try {
 *   Scenario scenario = ScenarioLoader.load(Path.of("scenarios/channel-file-291.json"));
 * } catch (ScenarioException e) {
 *   System.err.println(e.getMessage()); // channel-file-291.json: fleet.devices: missing required field
 *   System.exit(2);
 * }
 * }</pre>
 */
public final class ScenarioLoader {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          // A repeated key would otherwise silently win over the first one.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private ScenarioLoader() {}

  /**
   * Reads a scenario file; errors name the file by its file name.
   *
   * @throws ScenarioException if the file cannot be read or does not match the format
   */
  public static Scenario load(Path file) {
    String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ScenarioException(source, null, "cannot read: no such file " + file, e);
    } catch (CharacterCodingException e) {
      throw new ScenarioException(source, null, "cannot read: not UTF-8 text", e);
    } catch (IOException e) {
      throw new ScenarioException(source, null, "cannot read: " + e, e);
    }
    return parse(json, source);
  }

  /**
   * Reads a scenario from JSON text.
   *
   * @param sourceName how messages name the text, usually its file name
   * @throws ScenarioException if the text does not match the format
   */
  public static Scenario parse(String json, String sourceName) {
    if (!json.isEmpty() && json.charAt(0) == BYTE_ORDER_MARK) {
      json = json.substring(1);
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw syntaxError(sourceName, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ScenarioException(sourceName, "$", "empty file, expected a JSON object", null);
    }
    try {
      return ScenarioReader.read(root);
    } catch (InvalidField e) {
      throw new ScenarioException(sourceName, JsonPaths.display(e.path()), e.reason(), e);
    }
  }

  private static ScenarioException syntaxError(String source, JsonProcessingException e) {
    String path = "$";
    if (e.getProcessor() instanceof JsonParser parser) {
      path = JsonPaths.display(pathOf(parser.getParsingContext()));
    }
    String detail = e.getOriginalMessage();
    if (e instanceof MismatchedInputException && detail.startsWith("Trailing token")) {
      detail = "more content after the end of the scenario object";
    }
    JsonLocation location = e.getLocation();
    String where =
        location == null
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return new ScenarioException(source, path, "invalid JSON" + where + ": " + detail, e);
  }

  /** Where the parser was when it failed, in the loader's path notation. */
  private static String pathOf(JsonStreamContext context) {
    Deque<JsonStreamContext> chain = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      chain.push(c);
    }
    String path = JsonPaths.ROOT;
    for (JsonStreamContext c : chain) {
      if (c.inArray()) {
        path = JsonPaths.index(path, c.getCurrentIndex());
      } else if (c.getCurrentName() != null) {
        path = JsonPaths.field(path, c.getCurrentName());
      }
    }
    return path;
  }
}
