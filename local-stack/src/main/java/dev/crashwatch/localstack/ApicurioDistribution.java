package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Locates the unpacked Apicurio Registry distribution (the Quarkus runner jar and its {@code
 * lib/}).
 *
 * <p>Order: system property {@value #HOME_PROPERTY}, environment variable {@value #HOME_ENV}, then
 * the path the build recorded in {@code local-stack.properties}.
 */
public final class ApicurioDistribution {

  /** System property naming the distribution directory (or its runner jar). */
  public static final String HOME_PROPERTY = "crashwatch.apicurio.home";

  /** Environment variable naming the distribution directory (or its runner jar). */
  public static final String HOME_ENV = "CRASHWATCH_APICURIO_HOME";

  /** Main class of the Quarkus runner jar. */
  public static final String MAIN_CLASS = "io.quarkus.runner.GeneratedMain";

  private static final String BUILD_PROPERTIES = "local-stack.properties";
  private static final String RUNNER_JAR_KEY = "apicurio.runner.jar";
  private static final String VERSION_KEY = "apicurio.version";

  private ApicurioDistribution() {}

  /**
   * Returns the runner jar.
   *
   * @throws IllegalStateException if no distribution is found, with a message saying how to build
   *     one
   */
  public static Path runnerJar() {
    String property = System.getProperty(HOME_PROPERTY);
    String env = System.getenv(HOME_ENV);
    if (property != null && !property.isBlank()) {
      return fromOverride(property, "system property " + HOME_PROPERTY);
    }
    if (env != null && !env.isBlank()) {
      return fromOverride(env, "environment variable " + HOME_ENV);
    }
    String recorded = buildProperty(RUNNER_JAR_KEY);
    if (recorded == null || recorded.isBlank() || recorded.contains("${")) {
      throw missing("the build did not record where it unpacked the distribution");
    }
    Path jar = Path.of(recorded);
    if (!Files.isRegularFile(jar)) {
      throw missing(jar + " does not exist");
    }
    return jar;
  }

  private static Path fromOverride(String value, String source) {
    Path home = Path.of(value.strip()).toAbsolutePath();
    return findRunner(home)
        .orElseThrow(
            () ->
                missing(
                    home
                        + " (from "
                        + source
                        + ") is neither an Apicurio Registry runner jar nor a directory holding"
                        + " exactly one"));
  }

  /** The Apicurio version this module was built against. */
  public static String version() {
    String v = buildProperty(VERSION_KEY);
    return v == null ? "unknown" : v;
  }

  private static Optional<Path> findRunner(Path home) {
    if (Files.isRegularFile(home) && home.getFileName().toString().endsWith(".jar")) {
      return Optional.of(home);
    }
    if (!Files.isDirectory(home)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(home)) {
      List<Path> runners =
          files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).toList();
      return runners.size() == 1 ? Optional.of(runners.get(0)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads one key of the build-written file line by line rather than with {@link
   * java.util.Properties}, which would eat the backslashes of a Windows path.
   */
  private static String buildProperty(String key) {
    try (InputStream in = ApicurioDistribution.class.getResourceAsStream(BUILD_PROPERTIES)) {
      if (in == null) {
        return null;
      }
      String prefix = key + "=";
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> line.startsWith(prefix))
          .map(line -> line.substring(prefix.length()).strip())
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IllegalStateException missing(String why) {
    return new IllegalStateException(
        "Apicurio Registry distribution not found: "
            + why
            + ". Build it from the project root with `mvn -pl local-stack -am package -DskipTests`"
            + " (maven-dependency-plugin unpacks io.apicurio:apicurio-registry-app:"
            + version()
            + ":tar.gz:all into local-stack/target/apicurio), or point -D"
            + HOME_PROPERTY
            + " or "
            + HOME_ENV
            + " at an unpacked distribution.");
  }
}
