package dev.crashwatch.launcher;

import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings under which a lock-step replay ({@code simulate}, {@code suite}, the backtest)
 * sends each step's records, on every input topic and partition, as one produce request at the
 * step's flush, so that the processor sees the step whole.
 *
 * <p>Why: lock-step runs the processor with {@code max.task.idle.ms=0} (a task does not wait for a
 * partition that its last fetch found empty). With records sent as batches filled, some of a step
 * reached the broker before the rest, and the processor's waiting fetch returned with the first of
 * them; a task then processed one topic's records of the step before another's of an earlier time,
 * and its stream time ran ahead of records it had not yet seen. The silence checks run on stream
 * time, so a device heard early in the step could be counted silent, and a scenario's signals
 * depended on the machine's timing: {@code faulty-two-at-once} gave one of two signal histories,
 * run to run. The broker appends a request's partitions before it answers the fetches waiting on
 * them, so a step sent as one request is seen whole, unless a fetch times out in the instant of
 * that append.
 *
 * <p>A step larger than a batch leaves the simulator's emitter in several requests, each a prefix
 * in time of the step ({@link #FLUSH_BYTES}), and where the run reads in time order the emitter
 * waits after each for the processor to have read it ({@link LockStep#awaitRead}); the backtest's
 * copy, sent partition by partition, leaves such a step as its batches fill ({@code RangeReplay}).
 */
final class WholeSteps {

  /** Longer than generating any step takes, shorter than a send may wait to be delivered. */
  static final long LINGER_MS = 60_000;

  /**
   * One partition's records of a step. Below the broker's default {@code max.message.bytes} (1 MiB
   * a batch), with room for the compressor's estimate being short.
   */
  static final int BATCH_BYTES = 768 * 1024;

  /** Every partition's batch in one request (18 input partitions of 768 KiB, and room). */
  static final int REQUEST_BYTES = 32 * 1024 * 1024;

  /**
   * The emitter flushes on its own once this much is pending for one partition (keys and values,
   * before compression), so no partition's batch fills and leaves ahead of the others: a step
   * larger than that leaves in several requests, each a prefix in time of the step (the simulator
   * sends in time order), which a reader reads in time order too. Half a batch: a batch holds each
   * record's framing besides its key and value (a few bytes, and up to their size again for the
   * smallest records), so an incompressible partition's records would fill a batch before a flush
   * at a whole batch's worth ({@code WholeStepsIT}).
   */
  static final long FLUSH_BYTES = BATCH_BYTES / 2;

  /** Room for a whole step's batches while they wait for the flush. */
  static final long BUFFER_BYTES = 64L * 1024 * 1024;

  private WholeSteps() {}

  /**
   * A lock-step replay's emitter: {@code kafka} (addresses, security) sending whole steps, and
   * running {@code afterPrefix} after each prefix of a step larger than {@link #FLUSH_BYTES} (a run
   * that reads in time order waits there for the processor: {@link LockStep#awaitRead}).
   */
  static TelemetryEmitter emitter(
      String bootstrapServers,
      EventSerdes serdes,
      Topics topics,
      Map<String, Object> kafka,
      Runnable afterPrefix) {
    return new TelemetryEmitter(
        bootstrapServers, serdes, topics, producer(kafka), FLUSH_BYTES, afterPrefix);
  }

  /** {@code kafka} (addresses, security) with the settings that send a step as one request. */
  static Map<String, Object> producer(Map<String, Object> kafka) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, REQUEST_BYTES);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_BYTES);
    return config;
  }
}
