package dev.crashwatch.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench emitter}: see {@link EmitterFootprint}. */
@Command(
    name = "emitter",
    mixinStandardHelpOptions = true,
    description =
        "Start-up time, RSS and CPU per hour of `crashwatch emit` at its default heartbeat, one"
            + " process per run, all at once, beside the same emitter with baseline JVM options, an"
            + " idle JVM, and one emitter with native memory tracking for the breakdown.")
final class EmitterFootprintCommand implements Callable<Integer> {

  /** The emitter's own default ({@code emit --heartbeat-every}). */
  static final String DEFAULT_HEARTBEAT = "PT5M";

  /** Where {@code ./mvnw package} leaves the emitter's jar, from the repository's root. */
  static final String DEFAULT_EMITTER_JAR = "agent-emitter/target/crashwatch-emitter.jar";

  /**
   * The emitter's JVM options, the file {@code crashwatch emit} passes, from the repository's root.
   */
  static final String DEFAULT_JVM_OPTIONS_FILE = "agent-emitter/emitter-jvm.options";

  static final String DEFAULT_JAVA_OPTIONS = "@" + DEFAULT_JVM_OPTIONS_FILE;

  /** The JVM options of the emitter figures before its own options file: small heap, serial GC. */
  static final String BASELINE_JAVA_OPTIONS = "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  @Mixin BenchOptions common;

  @Option(
      names = "--heartbeat-every",
      defaultValue = DEFAULT_HEARTBEAT,
      description =
          "Heartbeat interval, and the interval CPU is measured over (default: ${DEFAULT-VALUE},"
              + " emit's own default).")
  Duration heartbeat;

  @Option(
      names = "--java-options",
      defaultValue = DEFAULT_JAVA_OPTIONS,
      description =
          "JVM options of the emitter processes (default: ${DEFAULT-VALUE}, what ./crashwatch"
              + " emit uses).")
  String javaOptions;

  @Option(
      names = "--baseline-java-options",
      defaultValue = BASELINE_JAVA_OPTIONS,
      description =
          "JVM options of as many more emitters measured beside them, for a before and after in"
              + " one run; empty for none (default: ${DEFAULT-VALUE}, the options of the figures"
              + " before the emitter had its own).")
  String baselineJavaOptions;

  @Option(
      names = "--emitter-jar",
      defaultValue = DEFAULT_EMITTER_JAR,
      description =
          "The emitter's shaded jar, started with java -jar as ./crashwatch emit does (default:"
              + " ${DEFAULT-VALUE}).")
  Path emitterJar;

  @Override
  public Integer call() throws Exception {
    new EmitterFootprint(System.out, common.dir.resolve("emitter"), emitterJar)
        .run(common.runs, heartbeat, javaOptions, baselineJavaOptions);
    return 0;
  }
}
