package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * Passwords the stack generates, and the files they live in: created readable and writable by the
 * owner only (0600) before a byte is written, so there is no moment at which another user could
 * read one. Passwords never go to the console or a log; they reach clients through these files.
 */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  // Letters and digits only: safe inside a JAAS line, a properties file and Kafka's --add-scram
  // syntax without quoting.
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final int LENGTH = 32;

  private Secrets() {}

  /** A random password of 32 letters and digits (about 186 bits). */
  public static String randomPassword() {
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** Creates (or truncates) {@code file} with permissions 0600 and opens it for writing. */
  public static OutputStream createOwnerOnly(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir) && posix()) {
      // A new directory for secrets is the owner's alone too.
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(file);
    if (posix()) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.newOutputStream(
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** Writes {@code text} to {@code file}, created with permissions 0600. */
  public static void writeOwnerOnly(Path file, String text) {
    try (OutputStream out = createOwnerOnly(file)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
