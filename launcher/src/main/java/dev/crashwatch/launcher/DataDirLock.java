package dev.crashwatch.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds a data directory of the embedded stack for one run. Two runs in one directory destroy each
 * other (the second's broker wipes the first's log dirs: "Shutdown broker because all log dirs ...
 * have failed"), so a run takes an operating-system lock on {@code DIR.lock} beside the directory
 * first, and refuses to start if another process holds it. The operating system releases the lock
 * when the process ends, however it ends (SIGKILL included), so a killed run never blocks the next
 * one; the next run starts its broker afresh in the directory the killed one left behind.
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code dataDir}: beside it, since the stack empties the directory. */
  static Path lockFile(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    return dir.resolveSibling(dir.getFileName() + ".lock");
  }

  /**
   * Locks {@code dataDir} for this process.
   *
   * @throws IllegalStateException if another run holds it, naming the directory and the option
   */
  static DataDirLock acquire(Path dataDir) {
    Path file = lockFile(dataDir);
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "another crashwatch run is using "
                + dataDir
                + " (it holds "
                + file
                + "); wait for it to finish, or give this run its own directory with --data-dir");
      }
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
