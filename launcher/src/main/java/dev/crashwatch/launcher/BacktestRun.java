package dev.crashwatch.launcher;

import dev.crashwatch.config.Settings;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.processor.CommittedTopicReader;
import dev.crashwatch.processor.CrashwatchTopology;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One configuration of a backtest through the real stream processor: it reads the run's copy of the
 * input range under its own application id, into its own output topics. The caller feeds the copy
 * step by step and waits on {@link #awaitCaughtUp} after each step, then on {@link #awaitQuiet};
 * then its signals, dead letters and the time the detector last evaluated are read from its topics
 * ({@link #outcome}).
 *
 * <p>The detector's clock is the watermark of the copied records (their event time), never the wall
 * clock: it evaluates a moment only once every input task has reached it. With the records of the
 * range only, that clock stops at the last record in range, so the run is over when every record,
 * and every tick the idle input tasks send at the end (2 s of wall time without progress, see
 * {@code DeviceStateProcessor}), has been processed and committed.
 */
final class BacktestRun implements AutoCloseable {

  /**
   * How long nothing may move (committed offsets and the ends of the run's own topics) before the
   * run counts as done: longer than the 2 s after which an idle input task ticks at the time the
   * instance has read, plus a commit.
   */
  static final Duration QUIET = Duration.ofSeconds(5);

  /** What one configuration did with the range. */
  record Outcome(List<RollbackSignal> signals, Map<String, Long> deadLetters, Instant evaluated) {

    List<SignalComparison.Decision> decisions() {
      return signals.stream()
          .map(
              s ->
                  new SignalComparison.Decision(
                      s.getComponent() + "@" + s.getVersion(),
                      s.getAction().name(),
                      s.getEvidence().getDecisionTime()))
          .toList();
    }
  }

  private final ProcessorSettings settings;
  private final Map<String, Object> kafka;
  private final StreamProcessor processor;
  private final Admin admin;
  private final ConsumerLag lag;
  private final List<String> moving = new ArrayList<>();
  private final Duration timeout;

  /**
   * Starts the processor of {@code config} as this run; returns once it is RUNNING.
   *
   * @param config the configuration as this run ({@link BacktestSettings#forRun})
   * @param kafka bootstrap servers and security settings for the helper clients
   * @param timeout how long one wait may take before the run fails
   */
  BacktestRun(Settings config, Map<String, Object> kafka, Duration timeout)
      throws InterruptedException {
    // Fed in lock-step (RangeReplay) and read in time order, with the settings of such runs.
    this.settings = new ProcessorSettings(LockStep.withProcessorSettings(config, "backtest", true));
    this.kafka = kafka;
    this.timeout = timeout;
    Topics topics = settings.topics();
    List<String> watched = new ArrayList<>(topics.inputs());
    for (String internal :
        List.of(CrashwatchTopology.VERSION_DELTAS, CrashwatchTopology.DETECTOR_INPUT)) {
      watched.add(settings.applicationId() + "-" + internal + "-repartition");
    }
    // Idle input tasks tick every couple of seconds at their own stream time, so the internal
    // topics never stand still; the outputs do once the detector has evaluated the last interval.
    moving.addAll(
        List.of(
            topics.rollbackSignals(),
            topics.spikeAlerts(),
            topics.versionHealth(),
            topics.deadLetters()));
    this.lag = new ConsumerLag(kafka, settings.applicationId(), watched);
    this.admin = Admin.create(kafka);
    this.processor = new StreamProcessor(settings);
    processor.start();
    Progress.await(
        "the backtest's stream processor " + settings.applicationId() + " running",
        Duration.ofSeconds(60),
        this::running);
  }

  String applicationId() {
    return settings.applicationId();
  }

  private boolean running() {
    KafkaStreams.State state = processor.streams().state();
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
      throw new IllegalStateException(
          "the backtest's stream processor " + settings.applicationId() + " stopped: " + state);
    }
    return state == KafkaStreams.State.RUNNING;
  }

  /** Waits until the processor has committed every record of its inputs and internal topics. */
  void awaitCaughtUp() throws Exception {
    running();
    lag.awaitCaughtUp(admin, timeout);
  }

  /**
   * Waits until none of the processor's outputs has moved for {@link #QUIET} and it has committed
   * every record of its inputs and internal topics: the idle tasks' last ticks are in.
   */
  void awaitQuiet() throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Object, Long> seen = Map.of();
    long quietSince = System.nanoTime();
    while (true) {
      running();
      Map<Object, Long> now = new HashMap<>();
      for (String topic : moving) {
        now.putAll(ConsumerLag.endOffsets(admin, topic));
      }
      long behind = lag.lag(admin);
      if (!now.equals(seen)) {
        seen = now;
        quietSince = System.nanoTime();
      } else if (behind == 0 && System.nanoTime() - quietSince >= QUIET.toNanos()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            settings.applicationId() + " still busy after " + timeout + ": " + behind + " behind");
      }
      Thread.sleep(200);
    }
  }

  /** Every signal the run raised, its dead letters by reason, and its last evaluation time. */
  Outcome outcome(EventSerdes serdes) {
    Topics topics = settings.topics();
    Duration read = Duration.ofSeconds(60);
    List<RollbackSignal> signals = new ArrayList<>();
    CommittedTopicReader.readAll(
            kafka,
            topics.rollbackSignals(),
            serdes.value(RollbackSignal.class).deserializer(),
            read)
        .forEach(r -> signals.add(r.value()));
    Map<String, Long> dead = new TreeMap<>();
    CommittedTopicReader.readAll(
            kafka, topics.deadLetters(), serdes.value(DeadLetter.class).deserializer(), read)
        .forEach(r -> dead.merge(r.value().getReason(), 1L, Long::sum));
    long evaluated =
        CommittedTopicReader.readAll(
                kafka, topics.versionHealth(), new ByteArrayDeserializer(), read)
            .stream()
            .mapToLong(ConsumerRecord::timestamp)
            .max()
            .orElse(-1);
    return new Outcome(signals, dead, evaluated < 0 ? null : Instant.ofEpochMilli(evaluated));
  }

  @Override
  public void close() {
    try {
      processor.close();
    } finally {
      admin.close();
    }
  }
}
