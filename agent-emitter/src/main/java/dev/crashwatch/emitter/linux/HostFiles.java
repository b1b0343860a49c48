package dev.crashwatch.emitter.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every file the Linux collector reads, resolved against one root directory: {@code /} on a real
 * host, a fixture tree in tests. Keeping all file system access behind this class is what lets the
 * tests run the whole collector against hand-made {@code /proc}, {@code /etc} and {@code
 * /sys/fs/pstore} trees.
 *
 * <p>Absent or unreadable files are {@link Optional#empty()}, not errors: a host without pstore or
 * with a locked-down {@code /proc} is normal, and the collector then reports "unknown" instead of
 * failing.
 */
public final class HostFiles {

  private final Path root;

  public HostFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The real host. */
  public static HostFiles system() {
    return new HostFiles(Path.of("/"));
  }

  public Path root() {
    return root;
  }

  /** Maps an absolute host path such as {@code /proc/stat} into the root. */
  public Path resolve(String hostPath) {
    String relative = hostPath.startsWith("/") ? hostPath.substring(1) : hostPath;
    return root.resolve(relative);
  }

  /** The whole file as text, or empty when it does not exist or cannot be read. */
  public Optional<String> read(String hostPath) {
    return read(resolve(hostPath));
  }

  /** The first line, trimmed, when it is not blank: the shape of most /proc and /etc values. */
  public Optional<String> firstLine(String hostPath) {
    return read(hostPath)
        .map(s -> s.lines().findFirst().orElse("").trim())
        .filter(s -> !s.isEmpty());
  }

  /** Regular files directly in a directory, sorted by name; empty when there is no directory. */
  public List<Path> list(String hostDir) {
    Path dir = resolve(hostDir);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  /** Last modification time of a file already resolved by this class. */
  public Optional<Instant> lastModified(Path resolved) {
    try {
      return Optional.of(Files.getLastModifiedTime(resolved).toInstant());
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** Text of a file already resolved by this class (for example one returned by {@link #list}). */
  public Optional<String> read(Path resolved) {
    // Files.readAllBytes copes with /proc files, which report size 0 but have content.
    try {
      return Optional.of(new String(Files.readAllBytes(resolved), StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
