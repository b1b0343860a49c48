package dev.crashwatch.emitter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files of the spool directory that must survive a crash whole or not at all. */
public final class DurableFile {

  private DurableFile() {}

  /**
   * Writes {@code bytes} to {@code file}: to a temporary file beside it, forced, then renamed over
   * it with {@code ATOMIC_MOVE}, and the directory forced, so a crash leaves the old content or the
   * new one, never a torn file.
   */
  public static void replace(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    ByteBuffer out = ByteBuffer.wrap(bytes);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(file.getParent());
  }

  /**
   * Makes a rename or a new file in {@code directory} durable. Possible on Linux and macOS; other
   * systems refuse to open a directory, and there the rename is as durable as the OS makes it.
   */
  static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not supported on this platform
    }
  }
}
