package dev.crashwatch.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The release gate for event schemas: every schema in the source tree must be BACKWARD compatible
 * with its latest released version (a consumer on the new schema can read everything written with
 * the old one), must document every field, and must give every optional field a default.
 *
 * <p>Released versions live in {@code schemas/released/v<N>/}, one directory per release, laid out
 * like {@code src/main/avro}. A schema that is new has nothing to be compatible with; a released
 * schema that disappeared is a violation, because its topics still hold its records.
 */
public final class SchemaCompatibilityGate {

  /** Named types that records refer to by name are kept here and parsed first. */
  static final String SHARED_TYPES_DIR = "common";

  private SchemaCompatibilityGate() {}

  /** Returns every violation found; an empty list means the gate passes. */
  public static List<String> check(Path currentDir, Path releasedRoot) {
    List<String> violations = new ArrayList<>();
    Map<String, Schema> current = parseDirectory(currentDir);
    current.values().forEach(schema -> checkDocumented(schema, violations));

    Optional<Path> latest = latestRelease(releasedRoot);
    if (latest.isEmpty()) {
      return violations;
    }
    Map<String, Schema> released = parseDirectory(latest.get());
    for (Map.Entry<String, Schema> entry : released.entrySet()) {
      Schema now = current.get(entry.getKey());
      String where = entry.getKey() + " (against " + latest.get().getFileName() + ")";
      if (now == null) {
        violations.add(where + ": removed, but released topics still hold its records");
        continue;
      }
      SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(now, entry.getValue());
      if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
        violations.add(where + ": not BACKWARD compatible: " + describe(now, result));
      }
    }
    return violations;
  }

  /**
   * Parses every {@code .avsc} under {@code dir}, shared types first, with one parser so that
   * records can refer to shared types by name. Keyed by full name.
   */
  public static Map<String, Schema> parseDirectory(Path dir) {
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> byName = new LinkedHashMap<>();
    for (Path file : avscFiles(dir)) {
      Schema schema;
      try {
        schema = parser.parse(file.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid schema " + file + ": " + e.getMessage(), e);
      }
      byName.put(schema.getFullName(), schema);
    }
    return byName;
  }

  private static List<Path> avscFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("schema directory does not exist: " + dir);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".avsc"))
          .sorted(
              Comparator.comparing((Path f) -> !dir.relativize(f).startsWith(SHARED_TYPES_DIR))
                  .thenComparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The release directory with the highest number, {@code v1 < v2 < v10}. */
  static Optional<Path> latestRelease(Path releasedRoot) {
    if (!Files.isDirectory(releasedRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(releasedRoot)) {
      return dirs.filter(d -> d.getFileName().toString().matches("v\\d+"))
          .max(
              Comparator.comparingInt(
                  d -> Integer.parseInt(d.getFileName().toString().substring(1))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + releasedRoot, e);
    }
  }

  private static void checkDocumented(Schema schema, List<String> violations) {
    if (schema.getDoc() == null || schema.getDoc().isBlank()) {
      violations.add(schema.getFullName() + ": has no doc");
    }
    if (schema.getType() != Schema.Type.RECORD) {
      return;
    }
    for (Schema.Field field : schema.getFields()) {
      String where = schema.getFullName() + "." + field.name();
      if (field.doc() == null || field.doc().isBlank()) {
        violations.add(where + ": has no doc");
      }
      if (isOptional(field.schema()) && !field.hasDefaultValue()) {
        violations.add(where + ": is optional (a union with null) but has no default");
      }
      Schema nested = field.schema();
      if (nested.getType() == Schema.Type.RECORD) {
        checkDocumented(nested, violations);
      }
    }
  }

  private static boolean isOptional(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  private static String describe(Schema reader, SchemaPairCompatibility result) {
    return result.getResult().getIncompatibilities().stream()
        .map(
            i ->
                i.getType()
                    + " at "
                    + fieldPath(reader, i.getLocation())
                    + " ("
                    + i.getMessage()
                    + ")")
        .reduce((a, b) -> a + "; " + b)
        .orElse(result.getDescription());
  }

  /**
   * Turns Avro's location ({@code /fields/4/type}) into field names ({@code bootId}), which is what
   * a person fixing the schema looks for.
   */
  static String fieldPath(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    String[] steps = location.split("/");
    Schema at = schema;
    for (int i = 0; i < steps.length; i++) {
      if (!steps[i].equals("fields")
          || i + 1 >= steps.length
          || at.getType() != Schema.Type.RECORD) {
        continue;
      }
      int index = Integer.parseInt(steps[++i]);
      if (index >= at.getFields().size()) {
        break;
      }
      Schema.Field field = at.getFields().get(index);
      names.add(field.name());
      at = field.schema();
    }
    return names.isEmpty() ? location : String.join(".", names) + " " + location;
  }

  /**
   * Command line: {@code SchemaCompatibilityGate <current dir> <released root>}; exit 1 on
   * violations.
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: SchemaCompatibilityGate <current schema dir> <released root>");
      System.exit(2);
    }
    List<String> violations = check(Path.of(args[0]), Path.of(args[1]));
    violations.forEach(v -> System.err.println("schema gate: " + v));
    System.exit(violations.isEmpty() ? 0 : 1);
  }
}
