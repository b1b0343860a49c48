package dev.crashwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The machine a benchmark ran on, in one line: figures mean little without it. */
final class Machine {

  private Machine() {}

  static String describe() {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        "machine: %s, %d cores (%s), %s RAM, load average %s; Java %s (%s), max heap %,d MB",
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        rt.availableProcessors(),
        cpuModel(),
        memTotal(),
        loadAverage(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        rt.maxMemory() / (1024 * 1024));
  }

  private static String cpuModel() {
    return procLines("/proc/cpuinfo").stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("cpu model unknown");
  }

  private static String memTotal() {
    return procLines("/proc/meminfo").stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> String.format("%.1f GiB", kibibytes(l) / (1024.0 * 1024.0)))
        .findFirst()
        .orElse("unknown");
  }

  static String loadAverage() {
    List<String> lines = procLines("/proc/loadavg");
    if (lines.isEmpty()) {
      return "unknown";
    }
    String[] fields = lines.get(0).split(" ");
    return String.join(" ", Arrays.copyOf(fields, Math.min(3, fields.length)));
  }

  static long kibibytes(String procLine) {
    return Long.parseLong(procLine.replaceAll("[^0-9]", ""));
  }

  static List<String> procLines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();
    }
  }
}
