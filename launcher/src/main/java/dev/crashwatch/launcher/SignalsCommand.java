package dev.crashwatch.launcher;

import dev.crashwatch.dashboard.DashboardSettings;
import dev.crashwatch.dashboard.OutputConsumerConfig;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.events.SignalEvidence;
import dev.crashwatch.processor.Percent;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.SerdeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.Style;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints the rollback signals, one line each, from the beginning of the topic (read_committed), and
 * with {@code --follow} the new ones as they come. Colour only where the terminal takes it
 * (picocli's detection: a console, TERM, NO_COLOR and CLICOLOR).
 */
@Command(
    name = "signals",
    mixinStandardHelpOptions = true,
    description = {
      "Print the rollback signals, one line each: decision time (stream time), state, component"
          + "@version, evidence, reason. Reads the rollback-signals topic from the beginning with"
          + " read_committed; settings as for the dashboard (kafka.* pass through)."
    })
final class SignalsCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(names = "--follow", description = "Keep printing new signals until stopped (Ctrl-C).")
  boolean follow;

  @Option(
      names = "--component",
      paramLabel = "C",
      description = "Only signals on this component id, e.g. acme.sensor-content.")
  String component;

  @Option(
      names = "--since",
      paramLabel = "T",
      description =
          "Only signals decided at or after T: an instant (2024-07-19T04:00:00Z) or a duration"
              + " back from now (PT2H). Decision times are the pipeline's stream time.")
  String since;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Instant from = since == null ? Instant.MIN : parseSince(since, Instant.now());
    DashboardSettings settings = new DashboardSettings(cluster.load(DashboardSettings.DECLARED));
    Topics topics = settings.topics();
    Deserializer<RollbackSignal> values =
        ClientSettings.serdes(settings.raw()).value(RollbackSignal.class).deserializer();
    Ansi ansi = Ansi.AUTO;
    long read = 0;
    long shown = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            OutputConsumerConfig.of(settings.raw(), "crashwatch-signals"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      String topic = topics.rollbackSignals();
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        spec.commandLine()
            .getErr()
            .printf(
                "crashwatch: topic %s does not exist on %s%n", topic, settings.bootstrapServers());
        return 1;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed these are the last stable offsets: where "everything so far" ends.
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      CountDownLatch stopped = stopOnShutdown(consumer);
      try {
        while (follow || !reachedEnd(consumer, ends)) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.value() == null) {
              continue; // a compaction tombstone
            }
            read++;
            RollbackSignal s;
            try {
              s = values.deserialize(r.topic(), r.headers(), r.value());
            } catch (SerdeException e) {
              spec.commandLine()
                  .getErr()
                  .printf(
                      "unreadable record %s-%d@%d: %s%n",
                      r.topic(), r.partition(), r.offset(), e.getMessage());
              continue;
            }
            if (matches(s, component, from)) {
              out.println(line(s, ansi));
              shown++;
            }
          }
          out.flush();
        }
      } catch (WakeupException stopping) {
        // Ctrl-C while following
      } finally {
        stopped.countDown();
      }
    }
    if (!follow) {
      spec.commandLine()
          .getErr()
          .printf("%,d signals on %s, %,d shown%n", read, topics.rollbackSignals(), shown);
    }
    return 0;
  }

  private static boolean reachedEnd(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /** Wakes the consumer on Ctrl-C and waits (briefly) until the loop has let go of it. */
  private static CountDownLatch stopOnShutdown(KafkaConsumer<byte[], byte[]> consumer) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  consumer.wakeup();
                  try {
                    stopped.await(5, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "signals-stop"));
    return stopped;
  }

  /** An ISO-8601 instant, or an ISO-8601 duration counted back from {@code now}. */
  Instant parseSince(String value, Instant now) {
    try {
      return value.toUpperCase(Locale.ROOT).startsWith("P")
          ? now.minus(Duration.parse(value))
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--since: expected an instant such as 2024-07-19T04:00:00Z or a duration such as PT2H,"
              + " was '"
              + value
              + "'");
    }
  }

  static boolean matches(RollbackSignal s, String component, Instant from) {
    return (component == null || component.equals(s.getComponent()))
        && !s.getEvidence().getDecisionTime().isBefore(from);
  }

  /**
   * One signal on one line: {@code 2024-07-19 04:23:00Z HALT acme.sensor-content@291 e1 41 of 63
   * failing (...), 65.1% vs 0.020% rest-of-fleet, p=1.2e-12 0x50 in acmesensor.sys (own) rings
   * canary reason}. Styles are picocli's constants, applied to our own words only; text from the
   * topic is printed with its control characters replaced, so it cannot drive the terminal.
   */
  static String line(RollbackSignal s, Ansi ansi) {
    SignalEvidence e = s.getEvidence();
    long failing = e.getCrashedDevices() + e.getSilentDevices();
    String module =
        e.getTopModule() == null
            ? ""
            : " in "
                + printable(e.getTopModule())
                + (e.getModuleBelongsToComponent() ? " (own)" : " (other)");
    return String.format(
        Locale.ROOT,
        "%s  %s %s e%d  %,d of %,d failing (%,d crashed, %,d silent), %s vs %s %s, %s  %s%s"
            + "  rings %s  %s",
        e.getDecisionTime()
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString()
            .replace('T', ' '),
        styled(ansi, String.format("%-8s", s.getAction().name()), actionStyle(s.getAction())),
        styled(ansi, printable(s.getComponent() + "@" + s.getVersion()), Style.bold),
        s.getEpisode(),
        failing,
        e.getExposedDevices(),
        e.getCrashedDevices(),
        e.getSilentDevices(),
        percent(e.getCrashRate()),
        percent(e.getBaselineRate()),
        printable(e.getBaseline()),
        evidence(e),
        e.getTopBugcheck() == null ? "-" : printable(e.getTopBugcheck()),
        module,
        e.getRingsReached().isEmpty() ? "-" : printable(String.join(",", e.getRingsReached())),
        styled(ansi, printable(s.getReason()), Style.faint));
  }

  /**
   * The deciding test's e-value against the level's threshold and the rate ratio's interval; the
   * p-value for blame's fixed-window test (and for signals of older producers, without a test).
   */
  static String evidence(SignalEvidence e) {
    if (e.getTest().isEmpty() || e.getTest().startsWith("fixed-window")) {
      return String.format(Locale.ROOT, "p=%.1e", e.getPValue());
    }
    String ratio =
        e.getRateRatioLower() == null || e.getRateRatioUpper() == null
            ? ""
            : String.format(
                Locale.ROOT, ", ratio %.3g-%.3g", e.getRateRatioLower(), e.getRateRatioUpper());
    return String.format(
            Locale.ROOT, "e=10^%.1f (needs 10^%.1f)", e.getStatistic(), e.getThreshold())
        + ratio;
  }

  private static Style[] actionStyle(SignalAction action) {
    return switch (action) {
      case WATCH -> new Style[] {Style.fg_yellow};
      case HALT -> new Style[] {Style.fg_red, Style.bold};
      case ROLLBACK -> new Style[] {Style.bg_red, Style.fg_white, Style.bold};
      case RESOLVED -> new Style[] {Style.fg_green};
    };
  }

  private static String styled(Ansi ansi, String text, Style... styles) {
    return ansi.enabled() ? Style.on(styles) + text + Style.off(styles) + Style.reset.off() : text;
  }

  private static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  /** One decimal from 1% up (a terminal line is short), {@link Percent}'s digits below. */
  private static String percent(double rate) {
    return rate >= 0.01
        ? String.format(Locale.ROOT, "%.1f%%", rate * 100)
        : Percent.ofFraction(rate);
  }
}
