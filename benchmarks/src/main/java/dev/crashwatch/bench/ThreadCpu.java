package dev.crashwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Time on CPU of each live thread of a process, by thread name, from {@code
 * /proc/PID/task/TID/schedstat} (nanoseconds, unlike {@code stat}'s 10 ms ticks, which round an
 * idle thread's few milliseconds to nothing). Threads of one name are summed.
 */
record ThreadCpu(Map<String, Long> nanosByName) {

  static ThreadCpu of(long pid) {
    Map<String, Long> byName = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          byName.merge(name, nanos, Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended between the listing and the read: it has no figure now
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the threads of process " + pid, e);
    }
    return new ThreadCpu(byName);
  }

  /** CPU time per thread name since {@code before}, for the names that used any. */
  Map<String, Long> since(ThreadCpu before) {
    Map<String, Long> delta = new HashMap<>();
    nanosByName.forEach(
        (name, nanos) -> {
          long d = nanos - before.nanosByName.getOrDefault(name, 0L);
          if (d > 0) {
            delta.put(name, d);
          }
        });
    return delta;
  }
}
