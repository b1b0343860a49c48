package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child JVM of the guard's stop test: a shutdown that takes longer than the guard's halt grace, as
 * a processor's does when it commits and closes its stores on a busy machine. Its hook writes the
 * file named by the first argument when it has finished, and only then.
 */
public final class SlowShutdownMain {

  /** Printed once the hook is in place. */
  static final String READY = "READY";

  private SlowShutdownMain() {}

  /**
   * Registers the hook, says so, and waits to be stopped.
   *
   * @param args the file the finished hook writes, and how long the hook takes in milliseconds
   */
  public static void main(String[] args) throws InterruptedException {
    Path done = Path.of(args[0]);
    long shutdownMillis = Long.parseLong(args[1]);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Thread.sleep(shutdownMillis); // the slow close under test
                    Files.writeString(done, "hooks finished");
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                "slow-shutdown"));
    System.out.println(READY);
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
