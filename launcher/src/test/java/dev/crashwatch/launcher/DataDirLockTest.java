package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs in one data directory: the second is refused with a message naming the directory and the
 * option, instead of wiping the first one's broker files; once the first is done, the directory is
 * free again.
 */
class DataDirLockTest {

  @TempDir Path root;

  @Test
  void aSecondRunInTheSameDirectoryIsRefusedUntilTheFirstEnds() throws Exception {
    Path dir = root.resolve("simulate");
    try (DataDirLock first = DataDirLock.acquire(dir)) {
      assertThatThrownBy(() -> DataDirLock.acquire(dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("--data-dir");
      // another directory is another run's business
      DataDirLock.acquire(root.resolve("other")).close();
    }
    DataDirLock.acquire(dir).close();
    assertThat(DataDirLock.lockFile(dir)).isEqualTo(root.resolve("simulate.lock"));
    assertThat(Files.exists(dir)).as("the lock lives beside the directory, not in it").isFalse();
  }
}
