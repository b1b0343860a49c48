package dev.crashwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCompatibilityGateTest {

  private static final Path CURRENT = Path.of(System.getProperty("crashwatch.schemas.current"));
  private static final Path RELEASED = Path.of(System.getProperty("crashwatch.schemas.released"));

  @TempDir Path work;
  private Path candidate;

  /** A candidate tree that starts as a copy of the real schemas, to be broken on purpose. */
  @BeforeEach
  void copyCurrentSchemas() throws IOException {
    candidate = work.resolve("candidate");
    try (Stream<Path> files = Files.walk(CURRENT)) {
      for (Path source : files.toList()) {
        Path target = candidate.resolve(CURRENT.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  @Test
  void theSchemasInTheTreePassTheGate() {
    assertThat(SchemaCompatibilityGate.check(CURRENT, RELEASED)).isEmpty();
    assertThat(SchemaCompatibilityGate.parseDirectory(CURRENT))
        .containsKeys(
            "dev.crashwatch.events.Boot",
            "dev.crashwatch.events.Crash",
            "dev.crashwatch.events.SensorHeartbeat",
            "dev.crashwatch.events.RollbackSignal",
            "dev.crashwatch.events.SpikeAlert",
            "dev.crashwatch.events.VendorHealth",
            "dev.crashwatch.events.DeadLetter");
  }

  @Test
  void addingAFieldWithADefaultIsAccepted() throws IOException {
    edit(
        "Boot.avsc",
        "\"fields\": [",
        "\"fields\": [\n {\"name\": \"site\", \"type\": \"string\", \"default\": \"\", \"doc\": \"Site.\"},");
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED)).isEmpty();
  }

  @Test
  void addingAFieldWithoutADefaultIsRefused() throws IOException {
    edit(
        "Boot.avsc",
        "\"fields\": [",
        "\"fields\": [\n {\"name\": \"site\", \"type\": \"string\", \"doc\": \"Site.\"},");
    List<String> violations = SchemaCompatibilityGate.check(candidate, RELEASED);
    assertThat(violations)
        .singleElement()
        .asString()
        .contains("dev.crashwatch.events.Boot", "not BACKWARD compatible", "site");
  }

  @Test
  void changingAFieldTypeIsRefused() throws IOException {
    edit(
        "Crash.avsc",
        "{\"name\": \"bootId\", \"type\": \"string\"",
        "{\"name\": \"bootId\", \"type\": \"int\"");
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED))
        .singleElement()
        .asString()
        .contains("dev.crashwatch.events.Crash", "TYPE_MISMATCH", "bootId");
  }

  @Test
  void removingAnEnumSymbolIsRefused() throws IOException {
    edit("common/SignalAction.avsc", ", \"RESOLVED\"]", "]");
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED))
        .anySatisfy(v -> assertThat(v).contains("MISSING_ENUM_SYMBOLS"));
  }

  @Test
  void removingAReleasedSchemaIsRefused() throws IOException {
    Files.delete(candidate.resolve("DeadLetter.avsc"));
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED))
        .singleElement()
        .asString()
        .contains("dev.crashwatch.events.DeadLetter", "removed");
  }

  @Test
  void aFieldWithoutDocIsRefused() throws IOException {
    edit(
        "Boot.avsc",
        "\"doc\": \"Operating system build, e.g. 22631.3880 or a Linux kernel release.\"",
        "\"doc\": \"\"");
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED))
        .containsExactly("dev.crashwatch.events.Boot.osBuild: has no doc");
  }

  @Test
  void anOptionalFieldWithoutDefaultIsRefused() throws IOException {
    edit(
        "Crash.avsc",
        "{\"name\": \"bucketId\", \"type\": [\"null\", \"string\"], \"default\": null,",
        "{\"name\": \"bucketId\", \"type\": [\"null\", \"string\"],");
    assertThat(SchemaCompatibilityGate.check(candidate, RELEASED))
        .anySatisfy(v -> assertThat(v).contains("Crash.bucketId: is optional"));
  }

  @Test
  void theLatestReleaseIsChosenNumerically() throws IOException {
    Path root = work.resolve("released");
    for (String v : List.of("v1", "v2", "v10", "notes")) {
      Files.createDirectories(root.resolve(v));
    }
    assertThat(SchemaCompatibilityGate.latestRelease(root)).hasValue(root.resolve("v10"));
  }

  @Test
  void anUnparseableSchemaNamesTheFile() throws IOException {
    Files.writeString(candidate.resolve("Broken.avsc"), "{\"type\": \"record\"");
    assertThatThrownBy(() -> SchemaCompatibilityGate.check(candidate, RELEASED))
        .hasMessageContaining("Broken.avsc");
  }

  private void edit(String file, String from, String to) throws IOException {
    Path path = candidate.resolve(file);
    String text = Files.readString(path);
    assertThat(text).as("fixture text in %s", file).contains(from);
    Files.writeString(path, text.replace(from, to));
  }
}
