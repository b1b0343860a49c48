package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of a child JVM that must not outlive its parent: runs the main class named by the
 * first argument and exits when its standard input reaches end of file.
 *
 * <p>The parent keeps the write end of the child's stdin pipe open and never writes to it. The
 * kernel closes that pipe however the parent dies, SIGKILL included, so EOF is a reliable "parent
 * gone" signal without polling or native code.
 *
 * <p>The parent stops such a child with {@link #stop}, not {@link Process#destroy}: on Linux {@code
 * destroy} closes the child's stdin as well as sending SIGTERM, so the guard would halt the child
 * {@value #HALT_AFTER_MILLIS} ms later whatever grace the parent meant to give its shutdown hooks.
 *
 * <p>This class is copied alone into the child's class path, so it must depend on nothing but the
 * JDK.
 */
public final class OrphanGuard {

  /** Exit status when the parent disappeared. */
  static final int PARENT_GONE = 3;

  /** Grace for the child's shutdown hooks, once its parent is gone, before it is halted. */
  static final long HALT_AFTER_MILLIS = 10_000;

  private OrphanGuard() {}

  /**
   * Stops a child that runs under this guard: SIGTERM, with the lifeline (its stdin) kept open so
   * that its shutdown hooks get the whole {@code grace}; SIGKILL if it is still running after that;
   * then the lifeline is closed.
   *
   * @return whether the child exited within {@code grace}
   */
  public static boolean stop(Process child, Duration grace) throws InterruptedException {
    boolean inTime = true;
    try {
      child.toHandle().destroy(); // the signal alone: Process.destroy would close stdin too
      if (!child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        inTime = false;
        child.destroyForcibly();
        child.waitFor();
      }
    } finally {
      try {
        child.getOutputStream().close();
      } catch (IOException gone) {
        // the child is gone, and so is the pipe
      }
    }
    return inTime;
  }

  /**
   * Starts the watcher, then runs {@code args[0]}'s {@code main} with the remaining arguments.
   *
   * @param args the main class name followed by its arguments
   * @throws Throwable whatever the real main throws
   */
  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: OrphanGuard <main class> [args...]");
    }
    Thread watcher = new Thread(OrphanGuard::exitWhenParentGone, "crashwatch-orphan-guard");
    watcher.setDaemon(true);
    watcher.start();

    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenParentGone() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // The parent never writes; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone too.
    }
    // System.exit runs the application's shutdown hooks (a clean stop); halt if they hang.
    Thread exiter = new Thread(() -> System.exit(PARENT_GONE), "crashwatch-orphan-exit");
    exiter.setDaemon(true);
    exiter.start();
    try {
      exiter.join(HALT_AFTER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(PARENT_GONE);
  }
}
