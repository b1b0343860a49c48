package dev.crashwatch.launcher;

import dev.crashwatch.config.Settings;
import dev.crashwatch.processor.CrashwatchTopology;
import dev.crashwatch.simulator.PipelineFeedback;
import dev.crashwatch.simulator.report.ObservedSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The simulator's wait on the real pipeline at each step: the processor's group has committed every
 * record of the input topics and of its own repartition topics (so every figure and tick that the
 * step's events cause has reached the detector), and the signal collector has read every signal
 * written by then. Nothing is timed: each wait is on a condition.
 */
final class LockStep implements PipelineFeedback, AutoCloseable {

  /**
   * The processor's settings in every lock-step run, over the operator's.
   *
   * <p>{@code max.task.idle.ms=0}: every step's records are on the broker before the processor
   * catches up, so a task need not wait for a partition that its last fetch found empty (waiting
   * would cost up to the idle time per step). {@code commit.interval.ms=20}: every hop (input,
   * version deltas, detector input) waits for a commit, so short commits make each step's wait
   * short.
   */
  static final Map<String, String> PROCESSOR_SETTINGS =
      Map.of(
          "kafka.max.task.idle.ms", "0",
          "kafka.commit.interval.ms", "20");

  /**
   * The processor's settings, over {@link #PROCESSOR_SETTINGS}, in a lock-step run that reads each
   * step in time order: every lock-step run but the full scale, which measures speed, sends ahead
   * of the processor and keeps Kafka's own (an unbounded buffer would hold all it sent ahead).
   *
   * <p>{@code main.consumer.max.poll.records} unbounded: a poll hands Kafka Streams every record
   * the consumer has fetched. With Kafka's 1,000, a poll that stopped within a fetch response left
   * the rest of it in the consumer, whose high-water marks it learns only as it hands those records
   * over; a partition whose records waited there looked caught up (lag 0), and with no idling a
   * task processed its other partitions' later records first. A task's stream time then ran ahead
   * of records it had not seen, and the silence checks on stream time depended on the machine's
   * timing. Together with steps sent whole ({@link WholeSteps}) and each prefix of a larger step
   * read before the next leaves ({@link #awaitRead}), a task reads a step in time order; {@code
   * crashwatch_records_behind_stream_time_total} counts any record that is not.
   *
   * <p>{@code main.consumer.fetch.max.wait.ms} 3 s, not Kafka's 0.5 s. Between two steps the
   * processor's fetch waits at the broker, which answers it once the next step's request is
   * appended whole; but a wait that runs out in the middle of that append answers with the
   * partitions appended so far, and a task reads one topic's part of the step before another's
   * (with the wait cut to 5 ms, {@code MetricsEndpointIT} read 23,026 records behind; at 0.5 s it
   * read 951 behind in one CI run). The fetch waiting when a step arrives was sent as the processor
   * read the step before, a few hundred milliseconds earlier, so a wait longer than that gap is
   * answered by the step's append, never cut in it. It delays nothing while records flow (any
   * record on any partition it reads answers it), only the processor's close, which waits for it
   * (up to 3 s). {@code max.task.idle.ms} does not close this window: Kafka Streams keeps the
   * idling deadline of a partition that stayed empty, so it waits at most once (100 ms: still 3,023
   * and 17,032 records behind with the 5 ms wait).
   *
   * <p>{@code buffered.records.per.partition} unbounded: Kafka Streams pauses a partition that has
   * more than that buffered (Kafka's 1,000) and the waiting fetch leaves it out, so the partition
   * is fetched again only once that fetch is answered; with a long wait, a step held on a paused
   * partition would sit out the wait. A run in time order buffers at most one step.
   */
  static final Map<String, String> TIME_ORDER_SETTINGS =
      Map.of(
          "kafka.main.consumer.max.poll.records", String.valueOf(Integer.MAX_VALUE),
          "kafka.main.consumer.fetch.max.wait.ms", "3000",
          "kafka.buffered.records.per.partition", String.valueOf(Integer.MAX_VALUE));

  /** The processor's settings in a lock-step run, with or without reading in time order. */
  static Map<String, String> processorSettings(boolean inTimeOrder) {
    Map<String, String> all = new TreeMap<>(PROCESSOR_SETTINGS);
    if (inTimeOrder) {
      all.putAll(TIME_ORDER_SETTINGS);
    }
    return all;
  }

  /**
   * {@code settings} with {@link #processorSettings} over them, each said to come from {@code
   * source}.
   */
  static Settings withProcessorSettings(Settings settings, String source, boolean inTimeOrder) {
    Settings lockStep = settings;
    for (Map.Entry<String, String> e : processorSettings(inTimeOrder).entrySet()) {
      lockStep = lockStep.with(e.getKey(), e.getValue(), source);
    }
    return lockStep;
  }

  private final Admin admin;
  private final ConsumerLag lag;
  private final String signalsTopic;
  private final String bootstrapServers;
  private final SignalCollector signals;
  private final Duration timeout;

  LockStep(
      Map<String, Object> kafka,
      String applicationId,
      List<String> inputs,
      String signalsTopic,
      SignalCollector signals,
      Duration timeout) {
    List<String> topics = new ArrayList<>(inputs);
    for (String internal :
        List.of(CrashwatchTopology.VERSION_DELTAS, CrashwatchTopology.DETECTOR_INPUT)) {
      topics.add(applicationId + "-" + internal + "-repartition");
    }
    this.admin = Admin.create(kafka);
    this.lag = new ConsumerLag(kafka, applicationId, topics);
    this.bootstrapServers = String.valueOf(kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.signalsTopic = signalsTopic;
    this.signals = signals;
    this.timeout = timeout;
  }

  @Override
  public List<ObservedSignal> awaitProcessed(Instant reached) throws InterruptedException {
    try {
      lag.awaitCaughtUp(admin, timeout);
      signals.awaitRead(ConsumerLag.endOffsets(admin, signalsTopic), timeout);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "waiting for the pipeline at " + reached + " on " + bootstrapServers + ": " + e, e);
    }
    return signals.signals();
  }

  /**
   * Waits until the processor has read and committed everything sent so far, on every hop, without
   * reading signals: the wait between two prefixes of a step too large for one request ({@link
   * WholeSteps#emitter}). Had the next prefix left while the processor was still at work on this
   * one, a fetch of its could reach the broker while the prefix was being appended, and return one
   * topic's part of it before another's: a task would then read the later records of one topic
   * before the earlier ones of another ({@code MetricsEndpointIT} read 477 records behind stream
   * time in one of four runs). Waiting, the processor's next fetch is already waiting at the broker
   * when the prefix arrives, and is answered once all of it is appended. Every hop, not only the
   * inputs: while the later hops (version deltas, detector input) were still at work, their fetches
   * could meet the next prefix's append too (84 records behind in one of five runs that waited for
   * the inputs alone).
   */
  void awaitRead() {
    try {
      lag.awaitCaughtUp(admin, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the pipeline", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "waiting for the pipeline to read a step's part on " + bootstrapServers + ": " + e, e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
