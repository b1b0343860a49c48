package dev.crashwatch.bench;

/**
 * A JVM that does nothing, started beside the emitter with the same options: the floor of its
 * footprint (what the JVM itself costs), measured in the same run.
 */
public final class IdleJvm {

  private IdleJvm() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("idle");
    Thread.sleep(Long.MAX_VALUE);
  }
}
