package dev.crashwatch.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays the records of a time range from the production input topics into a backtest's own
 * copies, step by step of record time, byte for byte: key, value, headers, record timestamp and
 * partition (so a device's records stay together and in order). Nothing is decoded here: a
 * malformed or hostile record is copied like any other and meets the processor's decoder in the
 * backtest, which dead-letters it to the backtest's own dead-letter topic.
 *
 * <p>Each partition is read from the first offset whose timestamp is at or after the range's start
 * ({@code offsetsForTimes}) to its end as of the start of the replay, so records produced while the
 * backtest runs are not part of it. {@link #sendUpTo} reads every partition until it is past the
 * step's end ({@link #READ_AHEAD} records in a row at or after it) and sends what it read in range
 * and before that end, in offset order; a record read ahead waits for its step (one ahead of its
 * neighbours, a device clock ahead, waits alone), and one that comes after later records in its
 * partition (a late upload, a clock behind) is sent at the step it is read in, as it arrived live.
 * Between steps the caller waits for the processors (lock-step, as {@code simulate} does), because
 * a backlog replayed at once is read unevenly across partitions and the detector would see a
 * different history on every run.
 */
final class RangeReplay implements AutoCloseable {

  /** What was copied: records per source topic, and the first and last record time copied. */
  record Copied(Map<String, Long> perTopic, long firstMs, long lastMs) {
    long total() {
      return perTopic.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * A partition has been read far enough for a step when this many records in a row are at or after
   * the step's end: one record ahead of its neighbours (a device clock ahead, a forged time) must
   * not stop the reading, or the records after it would wait for its time.
   */
  static final int READ_AHEAD = 100;

  private final BacktestRange range;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, String> targetOf = new HashMap<>();
  private final Map<TopicPartition, Long> ends;
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> ahead = new HashMap<>();
  private final List<TopicPartition> open = new ArrayList<>();
  private final AtomicReference<Exception> failed = new AtomicReference<>();
  private final Map<String, Long> perTopic = new LinkedHashMap<>();
  private long first = Long.MAX_VALUE;
  private long last = Long.MIN_VALUE;

  /**
   * @param kafka bootstrap servers and security settings of a principal that may read {@code
   *     sources} and write {@code targets}
   * @param sources the production input topics
   * @param targets their copies, in the same order, with the same partition counts
   */
  RangeReplay(
      Map<String, Object> kafka, List<String> sources, List<String> targets, BacktestRange range) {
    this.range = range;
    Map<String, Object> consumerConfig = new HashMap<>(kafka);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    // a step leaves as one request at its flush, so the processors see it whole (WholeSteps); a
    // step larger than a batch leaves as its batches fill (sent partition by partition, its parts
    // are not prefixes in time, so it is not flushed early as the simulator's emitter is)
    Map<String, Object> producerConfig = WholeSteps.producer(kafka);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String source = sources.get(i);
      targetOf.put(source, targets.get(i));
      perTopic.put(source, 0L);
      consumer
          .partitionsFor(source, TIMEOUT)
          .forEach(p -> partitions.add(new TopicPartition(source, p.partition())));
    }
    this.ends = consumer.endOffsets(partitions, TIMEOUT);
    Map<TopicPartition, Long> starts = new HashMap<>();
    partitions.forEach(p -> starts.put(p, range.from().toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(starts, TIMEOUT);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp at = found.get(p);
      // null: no record at or after the start in this partition
      if (at != null && at.offset() < ends.get(p)) {
        open.add(p);
        ahead.put(p, new ArrayList<>());
      }
    }
    consumer.assign(open);
    open.forEach(p -> consumer.seek(p, found.get(p).offset()));
  }

  /**
   * Reads every partition until it has read a record at or after {@code stepEndMs} (or reached its
   * end), and sends every record read in range with a timestamp before it; returns once the broker
   * has them all.
   */
  void sendUpTo(long stepEndMs) {
    List<TopicPartition> reading = new ArrayList<>();
    for (TopicPartition p : open) {
      if (!readPast(ahead.get(p), stepEndMs)) {
        reading.add(p);
      }
    }
    consumer.pause(consumer.assignment());
    consumer.resume(reading);
    while (!reading.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        if (r.offset() < ends.get(p)) {
          ahead.get(p).add(r);
        }
      }
      for (TopicPartition p : List.copyOf(reading)) {
        List<ConsumerRecord<byte[], byte[]>> waiting = ahead.get(p);
        boolean atEnd = consumer.position(p) >= ends.get(p);
        boolean past =
            !waiting.isEmpty() && waiting.get(waiting.size() - 1).timestamp() >= stepEndMs;
        if (atEnd || past) {
          reading.remove(p);
          consumer.pause(List.of(p));
          if (atEnd) {
            open.remove(p);
          }
        }
      }
    }
    ahead.forEach(
        (p, waiting) -> {
          // in offset order: a record read ahead holds back only itself, not the late ones after it
          List<ConsumerRecord<byte[], byte[]>> later = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> r : waiting) {
            if (r.timestamp() >= stepEndMs) {
              later.add(r);
            } else if (range.contains(r.timestamp())) {
              send(r);
            }
          }
          waiting.clear();
          waiting.addAll(later);
        });
    producer.flush();
    if (failed.get() != null) {
      throw new IllegalStateException(
          "copying the range into " + targetOf.values() + " failed: " + failed.get(), failed.get());
    }
  }

  /** Whether the last {@link #READ_AHEAD} records read are all at or after {@code stepEndMs}. */
  private static boolean readPast(List<ConsumerRecord<byte[], byte[]>> read, long stepEndMs) {
    if (read.size() < READ_AHEAD) {
      return false;
    }
    for (int i = read.size() - READ_AHEAD; i < read.size(); i++) {
      if (read.get(i).timestamp() < stepEndMs) {
        return false;
      }
    }
    return true;
  }

  private void send(ConsumerRecord<byte[], byte[]> r) {
    producer.send(
        new ProducerRecord<>(
            targetOf.get(r.topic()), r.partition(), r.timestamp(), r.key(), r.value(), r.headers()),
        (meta, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
    perTopic.merge(r.topic(), 1L, Long::sum);
    first = Math.min(first, r.timestamp());
    last = Math.max(last, r.timestamp());
  }

  Copied copied() {
    return new Copied(Map.copyOf(perTopic), first, last);
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
