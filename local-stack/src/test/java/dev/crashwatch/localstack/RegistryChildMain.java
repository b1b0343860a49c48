package dev.crashwatch.localstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child JVM of the orphan test: starts a registry, reports its pid on stdout, then waits to be
 * killed. Nothing closes the registry; only the {@link OrphanGuard} can stop it.
 */
public final class RegistryChildMain {

  /** Printed before the registry's pid. */
  static final String PID_PREFIX = "REGISTRY_PID=";

  // Reachable until the JVM dies, so the stdin pipe to the registry is never closed by a cleaner.
  private static LocalSchemaRegistry registry;

  private RegistryChildMain() {}

  /**
   * Starts the registry.
   *
   * @param args the registry's data directory
   * @throws InterruptedException never, in practice: the JVM is killed while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    registry = LocalSchemaRegistry.start(Path.of(args[0]));
    System.out.println(PID_PREFIX + registry.pid());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
