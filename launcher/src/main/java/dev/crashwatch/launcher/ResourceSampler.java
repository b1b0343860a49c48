package dev.crashwatch.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Samples, once a second while a benchmark runs in this JVM, its used heap (after whatever the
 * collector last did: a peak of what was live plus garbage not yet collected), its resident set
 * (the kernel's high-water mark, {@code VmHWM}), the size of a state directory on disk, and the
 * bytes each thread allocated, grouped by the part of the pipeline its name says it belongs to.
 */
final class ResourceSampler implements AutoCloseable {

  private final Path stateDir;
  private final Thread thread;
  private final Map<Long, long[]> allocatedByThread = new ConcurrentHashMap<>();
  private final Map<Long, String> partOfThread = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile long peakHeap;
  private volatile long peakState;

  private ResourceSampler(Path stateDir) {
    this.stateDir = stateDir;
    this.thread = new Thread(this::loop, "resource-sampler");
    thread.setDaemon(true);
  }

  static ResourceSampler start(Path stateDir) {
    ResourceSampler sampler = new ResourceSampler(stateDir);
    sampler.thread.start();
    return sampler;
  }

  private void loop() {
    long ticks = 0;
    while (running) {
      sample(ticks++ % 5 == 0);
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample(boolean withDisk) {
    peakHeap =
        Math.max(peakHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    if (withDisk) {
      peakState = Math.max(peakState, sizeOf(stateDir));
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long[] allocated = threads.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || allocated[i] < 0) {
        continue;
      }
      partOfThread.putIfAbsent(ids[i], partOf(infos[i].getThreadName()));
      allocatedByThread.computeIfAbsent(ids[i], id -> new long[1])[0] = allocated[i];
    }
  }

  /** Which part of the pipeline a thread works for, by the names Kafka and we give threads. */
  static String partOf(String threadName) {
    if (threadName.contains("StreamThread") || threadName.contains("GlobalStreamThread")) {
      return "processor";
    }
    if (threadName.equals("main") || threadName.startsWith("kafka-producer-network-thread")) {
      return "simulator";
    }
    return "broker and the rest";
  }

  private static long sizeOf(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0; // a file RocksDB deleted between the walk and the look
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // a directory that went away while walked: the next sample counts again
    }
  }

  long peakHeapBytes() {
    return peakHeap;
  }

  long peakStateBytes() {
    return peakState;
  }

  /** The kernel's high-water mark of this process's resident set, or -1 off Linux. */
  long peakRssBytes() {
    return peakRssOf("self");
  }

  /**
   * The kernel's high-water mark of the resident set of process {@code pid} ("self" for this one),
   * or -1 off Linux or once it is gone.
   */
  static long peakRssOf(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** GiB allocated per part, in the order of their names. */
  String allocationByPart() {
    Map<String, Long> byPart = new TreeMap<>();
    allocatedByThread.forEach(
        (id, bytes) -> byPart.merge(partOfThread.get(id), bytes[0], Long::sum));
    StringBuilder s = new StringBuilder();
    byPart.forEach(
        (part, bytes) ->
            s.append(s.isEmpty() ? "" : ", ")
                .append(String.format("%s %.1f GiB", part, bytes / (double) (1L << 30))));
    return s.toString();
  }

  @Override
  public void close() throws InterruptedException {
    sample(true);
    running = false;
    thread.interrupt();
    thread.join();
  }
}
