package dev.crashwatch.processor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The pipeline's own figures, beside Kafka's (see the README's metrics table):
 *
 * <ul>
 *   <li>{@code crashwatch_events_in_total{topic}}: records read from each input topic;
 *   <li>{@code crashwatch_dead_letters_total{topic,reason}}: records dead-lettered, by reason;
 *   <li>{@code crashwatch_signals_total{action}}: rollback signals raised, by action;
 *   <li>{@code crashwatch_watermark_lag_seconds}: wall clock minus the event time the detector last
 *       evaluated at (the time every upstream task has reached);
 *   <li>{@code crashwatch_detector_evaluation_seconds}: how long each detector evaluation took.
 * </ul>
 *
 * <p>Processors find the instance through {@link #of(ProcessorContext)}: the runner puts it into
 * the Streams config under {@link #CONFIG_KEY}, which Kafka Streams hands to every processor as
 * {@code appConfigs()}; without it (TopologyTestDriver) they record into a registry nobody reads.
 * The counters count work done, and work redone after a task fails over is counted again: they are
 * for rates and alarms, while the topics stay the record.
 */
public final class PipelineMetrics {

  /**
   * The counter of input records read after a record of a later time in their task, tagged by
   * topic: {@code simulate}, {@code suite} and the demo read it to say whether a replay was read in
   * time order.
   */
  public static final String RECORDS_BEHIND_STREAM_TIME = "crashwatch.records.behind.stream.time";

  /** The Streams config key under which the runner passes this object to the processors. */
  public static final String CONFIG_KEY = "crashwatch.pipeline.metrics";

  private static final PipelineMetrics UNREAD = new PipelineMetrics(new CompositeMeterRegistry());

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, InputCounters> inputs = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> signals = new ConcurrentHashMap<>();
  private final Timer evaluation;
  private final AtomicLong watermarkMs = new AtomicLong(Long.MIN_VALUE);

  public PipelineMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  PipelineMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.evaluation =
        Timer.builder("crashwatch.detector.evaluation")
            .description("Wall time of one detector evaluation (test, blame, state machine)")
            .register(registry);
    Gauge.builder("crashwatch.watermark.lag", this, PipelineMetrics::watermarkLagSeconds)
        .description(
            "Wall clock minus the event time the detector last evaluated at; NaN before the first")
        .baseUnit("seconds")
        .register(registry);
  }

  /** The instance the runner configured, or one that records into nothing. */
  public static PipelineMetrics of(ProcessorContext<?, ?> context) {
    return context.appConfigs().get(CONFIG_KEY) instanceof PipelineMetrics metrics
        ? metrics
        : UNREAD;
  }

  /** The counters of one input topic, registered together at its first record. */
  private record InputCounters(Counter in, Counter behindStreamTime) {}

  /**
   * One record read from {@code topic}; {@code behindStreamTime} when its task had already read a
   * record of a later time (the task's partitions were read unevenly: a partition that lagged live,
   * or a replay read faster than it was sent). The silence checks run on stream time, so such a
   * record may come after a check it would have changed; a lock-step replay reads none.
   */
  public void eventIn(String topic, boolean behindStreamTime) {
    InputCounters counters =
        inputs.computeIfAbsent(
            topic,
            t ->
                new InputCounters(
                    Counter.builder("crashwatch.events.in")
                        .description("Records read from each input topic, usable or not")
                        .tag("topic", t)
                        .register(registry),
                    Counter.builder(RECORDS_BEHIND_STREAM_TIME)
                        .description(
                            "Input records read after a record of a later time in their task")
                        .tag("topic", t)
                        .register(registry)));
    counters.in().increment();
    if (behindStreamTime) {
      counters.behindStreamTime().increment();
    }
  }

  /** One record of {@code topic} dead-lettered for {@code reason}. */
  public void deadLetter(String topic, String reason) {
    deadLetters
        .computeIfAbsent(
            topic + '\n' + reason,
            k ->
                Counter.builder("crashwatch.dead.letters")
                    .description("Records dead-lettered, by source topic and reason")
                    .tag("topic", topic)
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /** One rollback signal raised with {@code action} (WATCH, HALT, ROLLBACK, RESOLVED). */
  public void signal(String action) {
    signals
        .computeIfAbsent(
            action,
            a ->
                Counter.builder("crashwatch.signals")
                    .description("Rollback signals raised, by action")
                    .tag("action", a)
                    .register(registry))
        .increment();
  }

  /** Runs one detector evaluation at event time {@code watermarkMs}, timing it. */
  public void evaluation(long watermarkMs, Runnable evaluate) {
    this.watermarkMs.set(watermarkMs);
    evaluation.record(evaluate);
  }

  private double watermarkLagSeconds() {
    long at = watermarkMs.get();
    return at == Long.MIN_VALUE ? Double.NaN : (clock.millis() - at) / 1000.0;
  }
}
