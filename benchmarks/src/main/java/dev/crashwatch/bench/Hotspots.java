package dev.crashwatch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a thread's time goes, from a Java Flight Recorder recording of this JVM: {@code
 * jdk.ExecutionSample} (threads running Java code) and {@code jdk.NativeMethodSample} (threads in
 * native code, RocksDB's JNI among them), every 10 ms. Summarized by the top frame's area, by the
 * top frame's class (self time) and by the project's classes anywhere on the stack (inclusive
 * time). The .jfr file stays for {@code jfr print} / {@code jfr summary}.
 */
final class Hotspots {

  private static final Duration PERIOD = Duration.ofMillis(10);
  private static final int ROWS = 12;

  private final Recording recording = new Recording();

  private Hotspots() {
    recording.enable("jdk.ExecutionSample").withPeriod(PERIOD);
    recording.enable("jdk.NativeMethodSample").withPeriod(PERIOD);
  }

  static Hotspots start() {
    Hotspots h = new Hotspots();
    h.recording.start();
    return h;
  }

  /** Stops recording and writes it to {@code file}. */
  Path stop(Path file) throws IOException {
    recording.stop();
    recording.dump(file);
    recording.close();
    return file;
  }

  /** The samples of the threads whose name {@code thread} accepts, summarized. */
  static Profile read(Path file, Predicate<String> thread) throws IOException {
    Profile p = new Profile();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      RecordedThread t = e.getThread("sampledThread");
      RecordedStackTrace stack = e.getStackTrace();
      if (t == null || stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      if (!thread.test(t.getJavaName() == null ? "" : t.getJavaName())) {
        continue;
      }
      p.add(stack.getFrames(), type.equals("jdk.NativeMethodSample"));
    }
    return p;
  }

  /** Sample counts of one thread group. */
  static final class Profile {
    long samples;
    long nativeSamples;
    final Map<String, Long> byArea = new HashMap<>();
    final Map<String, Long> selfByClass = new HashMap<>();
    final Map<String, Long> inclusiveOwn = new HashMap<>();
    final Map<String, Long> inclusiveClass = new HashMap<>();

    void add(List<RecordedFrame> frames, boolean inNative) {
      samples++;
      if (inNative) {
        nativeSamples++;
      }
      String top = frames.get(0).getMethod().getType().getName();
      String topMethod = top + "." + frames.get(0).getMethod().getName();
      byArea.merge(area(top) + (inNative ? " (native)" : ""), 1L, Long::sum);
      selfByClass.merge(topMethod, 1L, Long::sum);
      Set<String> own = new LinkedHashSet<>();
      Set<String> ownClasses = new LinkedHashSet<>();
      for (RecordedFrame f : frames) {
        String cls = f.getMethod().getType().getName();
        if (cls.startsWith("dev.crashwatch.")) {
          own.add(simpleName(cls) + "." + f.getMethod().getName());
          ownClasses.add(simpleName(cls));
        }
      }
      own.forEach(m -> inclusiveOwn.merge(m, 1L, Long::sum));
      ownClasses.forEach(c -> inclusiveClass.merge(c, 1L, Long::sum));
    }

    /** Share of samples with a frame of {@code classSimpleName} anywhere on the stack. */
    double inclusiveShareOf(String classSimpleName) {
      return samples == 0 ? 0 : inclusiveClass.getOrDefault(classSimpleName, 0L) / (double) samples;
    }

    void print(PrintStream out, String indent) {
      out.printf(
          "%s%,d samples (every %d ms; %,d of them in native code)%n",
          indent, samples, PERIOD.toMillis(), nativeSamples);
      table(out, indent, "by area of the top frame (self)", byArea);
      table(out, indent, "by top method (self)", selfByClass);
      table(out, indent, "project methods anywhere on the stack (inclusive)", inclusiveOwn);
    }

    private void table(PrintStream out, String indent, String title, Map<String, Long> counts) {
      out.printf("%s%s:%n", indent, title);
      counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(ROWS)
          .forEach(
              e ->
                  out.printf(
                      "%s  %5.1f%%  %s%n", indent, 100.0 * e.getValue() / samples, e.getKey()));
    }
  }

  /** A coarse owner of a class: which library or project package the time is spent in. */
  static String area(String className) {
    if (className.startsWith("org.rocksdb.")) {
      return "RocksDB";
    }
    if (className.startsWith("org.apache.kafka.streams.state.")) {
      return "Kafka Streams state stores";
    }
    if (className.startsWith("org.apache.kafka.streams.")) {
      return "Kafka Streams runtime";
    }
    if (className.startsWith("org.apache.kafka.")) {
      return "Kafka clients";
    }
    if (className.startsWith("org.apache.avro.")) {
      return "Avro";
    }
    if (className.startsWith("dev.crashwatch.")) {
      String rest = className.substring("dev.crashwatch.".length());
      int dot = rest.lastIndexOf('.');
      return "crashwatch " + (dot < 0 ? rest : rest.substring(0, dot));
    }
    if (className.startsWith("java.")
        || className.startsWith("jdk.")
        || className.startsWith("sun.")) {
      return "JDK";
    }
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot);
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
