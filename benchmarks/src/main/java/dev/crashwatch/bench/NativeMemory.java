package dev.crashwatch.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM's own account of its memory: {@code jcmd PID VM.native_memory summary} of a process
 * started with {@code -XX:NativeMemoryTracking=summary}, as committed KiB per category (Java Heap,
 * Class, Thread, Code, GC, Symbol, Shared class space, Metaspace, ...), in the JVM's order, and the
 * number of classes loaded.
 */
final class NativeMemory {

  static final String TRACKING_OPTION = "-XX:NativeMemoryTracking=summary";

  private static final Pattern TOTAL =
      Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB");
  private static final Pattern CLASSES = Pattern.compile("\\(classes #(\\d+)\\)");
  private static final Pattern CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);

  /**
   * @param committedKib committed KiB by category, and under {@code "Total"} the sum the JVM gives
   * @param loadedClasses classes loaded (instance and array classes, the JDK's archived ones
   *     included)
   */
  record Summary(Map<String, Long> committedKib, long loadedClasses) {}

  private NativeMemory() {}

  static Summary of(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " VM.native_memory failed: " + out);
    }
    Map<String, Long> committed = new LinkedHashMap<>();
    Matcher total = TOTAL.matcher(out);
    if (!total.find()) {
      throw new IllegalStateException("no native memory summary from jcmd " + pid + ": " + out);
    }
    committed.put("Total", Long.parseLong(total.group(1)));
    Matcher m = CATEGORY.matcher(out);
    while (m.find()) {
      committed.put(m.group(1).strip(), Long.parseLong(m.group(2)));
    }
    Matcher classes = CLASSES.matcher(out);
    return new Summary(committed, classes.find() ? Long.parseLong(classes.group(1)) : -1);
  }
}
