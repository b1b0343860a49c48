package dev.crashwatch.emitter;

import dev.crashwatch.emitter.event.EventType;
import dev.crashwatch.emitter.spool.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The writer schemas of the events in a spool, kept in the spool directory itself ({@code
 * schemas/<fingerprint>.avsc}, the fingerprint being Avro's 64-bit CRC of the schema's canonical
 * form, in hex): a spool describes itself, so an emitter reads a spool that an emitter of another
 * schema version wrote, without the registry and without having to know every old schema.
 *
 * <p>A schema is written, durably, before the first record that uses it is appended, so no record
 * in the spool names a schema that is not there.
 */
final class SpoolSchemas implements SchemaStore {

  private final Path directory;
  private final Map<Long, Schema> known = new ConcurrentHashMap<>();
  private final Set<EventType> recordedTypes = ConcurrentHashMap.newKeySet();

  private SpoolSchemas(Path directory) {
    this.directory = directory;
  }

  /** The schemas of the spool in {@code spoolDirectory}. */
  static SpoolSchemas of(Path spoolDirectory) {
    return new SpoolSchemas(spoolDirectory.resolve("schemas"));
  }

  static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Makes sure {@code schema} is in the spool; returns its fingerprint. */
  // Schema.toString(true) is deprecated for SchemaFormatter, which finds its formats through a
  // ServiceLoader: classes an emitter on every host would load for one call at start-up.
  @SuppressWarnings("deprecation")
  long record(Schema schema) {
    long fingerprint = fingerprint(schema);
    if (known.putIfAbsent(fingerprint, schema) == null) {
      try {
        write(fingerprint, schema.toString(true));
      } catch (IOException e) {
        known.remove(fingerprint);
        throw new UncheckedIOException("cannot keep the schema " + schema.getFullName(), e);
      }
    }
    return fingerprint;
  }

  /**
   * Makes sure the schema of an endpoint event type is in the spool, written from its text: parsing
   * it would load Avro's schema classes, which the endpoint otherwise does without.
   */
  void record(EventType type) {
    if (recordedTypes.add(type)) {
      try {
        write(type.fingerprint(), type.schemaText());
      } catch (IOException e) {
        recordedTypes.remove(type);
        throw new UncheckedIOException("cannot keep the schema " + type.fullName(), e);
      }
    }
  }

  private void write(long fingerprint, String text) throws IOException {
    Path file = file(fingerprint);
    if (!Files.exists(file)) {
      Files.createDirectories(directory);
      DurableFile.replace(file, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The schema with this fingerprint, or null when the spool has none (Avro's contract). */
  @Override
  public Schema findByFingerprint(long fingerprint) {
    return known.computeIfAbsent(fingerprint, this::read);
  }

  private Schema read(long fingerprint) {
    Path file = file(fingerprint);
    try {
      return new Schema.Parser().parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spooled schema " + file, e);
    }
  }

  private Path file(long fingerprint) {
    return directory.resolve(String.format("%016x.avsc", fingerprint));
  }
}
