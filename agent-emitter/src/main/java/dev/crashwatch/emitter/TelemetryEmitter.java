package dev.crashwatch.emitter;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Publishes boot, crash and heartbeat events: keyed by device id (so a device's events share a
 * partition), timestamped as {@link EventSink} says (the processor's stream time), through an
 * idempotent producer with {@code acks=all}, so a retry never writes a record twice.
 *
 * <p>Sends are asynchronous; a failed send is counted and the first failure is rethrown by {@link
 * #flush()}, so a caller never mistakes a lost event for a delivered one.
 *
 * <p>Events and raw bytes go through one producer, so that what is sent between two flushes can
 * leave together: a lock-step replay configures it to send each step as one request, and, with
 * {@code flushEveryBytes}, flushes on its own before one partition's batch could fill and leave
 * ahead of the others (see {@code WholeSteps} in the launcher).
 */
public final class TelemetryEmitter implements WireSink, AutoCloseable {

  private final Topics topics;
  private final KafkaProducer<byte[], Object> producer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final long flushEveryBytes;
  private final Runnable afterOwnFlush;

  /** Per topic, the bytes sent to each partition since the last flush (with flushEveryBytes). */
  private final Map<String, long[]> pendingBytes = new HashMap<>();

  private int lastValueBytes;

  /**
   * @param bootstrapServers Kafka
   * @param serdes the registry-backed serdes (one registry client for all event types)
   * @param overrides extra producer properties (security, batching), applied last
   */
  public TelemetryEmitter(
      String bootstrapServers, EventSerdes serdes, Topics topics, Map<String, Object> overrides) {
    this(bootstrapServers, serdes, topics, overrides, Long.MAX_VALUE, () -> {});
  }

  /**
   * @param flushEveryBytes flush once the keys and values sent to one partition since the last
   *     flush reach this many bytes, before that partition's batch could fill and leave ahead of
   *     the others. The simulator sends in time order, so each flush hands the broker a prefix in
   *     time of what it sends, and a reader never sees a record before an earlier one of another
   *     partition that was sent before it.
   * @param afterOwnFlush run after each flush the emitter makes on its own (not after {@link
   *     #flush()}): where a lock-step replay waits for the processor to have read the prefix, so
   *     that the next one reaches a reader that is waiting for it and sees it whole
   */
  public TelemetryEmitter(
      String bootstrapServers,
      EventSerdes serdes,
      Topics topics,
      Map<String, Object> overrides,
      long flushEveryBytes,
      Runnable afterOwnFlush) {
    this.topics = topics;
    this.flushEveryBytes = flushEveryBytes;
    this.afterOwnFlush = afterOwnFlush;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putAll(overrides);
    Serializer<SpecificRecord> events = eventSerializer(serdes);
    Serializer<Object> values =
        (topic, value) -> {
          byte[] bytes =
              value instanceof byte[] raw ? raw : events.serialize(topic, (SpecificRecord) value);
          // send() serializes in the caller's thread, which reads this right after it
          lastValueBytes = bytes.length;
          return bytes;
        };
    this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), values);
  }

  /** One serializer for the three event types; each record carries its own schema. */
  static Serializer<SpecificRecord> eventSerializer(EventSerdes serdes) {
    Serializer<Boot> boots = serdes.value(Boot.class).serializer();
    Serializer<Crash> crashes = serdes.value(Crash.class).serializer();
    Serializer<SensorHeartbeat> beats = serdes.value(SensorHeartbeat.class).serializer();
    return (topic, record) -> {
      if (record instanceof Boot b) {
        return boots.serialize(topic, b);
      }
      if (record instanceof Crash c) {
        return crashes.serialize(topic, c);
      }
      if (record instanceof SensorHeartbeat h) {
        return beats.serialize(topic, h);
      }
      throw new IllegalArgumentException("not a telemetry event: " + record.getClass());
    };
  }

  @Override
  public void send(Boot boot) {
    send(topics.boots(), boot.getDeviceId(), boot.getBootTime().toEpochMilli(), boot);
  }

  @Override
  public void send(Crash crash) {
    send(topics.crashes(), crash.getDeviceId(), crash.getUploadTime().toEpochMilli(), crash);
  }

  @Override
  public void send(SensorHeartbeat beat) {
    send(topics.heartbeats(), beat.getDeviceId(), beat.getTime().toEpochMilli(), beat);
  }

  @Override
  public void send(String topic, String device, SpecificRecord event, long arrival) {
    send(topic, device, arrival, event);
  }

  /** Sends bytes as they are: for replaying spooled records and for simulating garbage. */
  @Override
  public void sendRaw(String topic, byte[] key, byte[] value, long timestamp) {
    sent.incrementAndGet();
    producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), this::completed);
    pending(topic, key, key.length + value.length);
  }

  private void send(String topic, String device, long timestamp, SpecificRecord event) {
    sent.incrementAndGet();
    byte[] key = device.getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(topic, null, timestamp, key, event), this::completed);
    pending(topic, key, key.length + lastValueBytes);
  }

  private void pending(String topic, byte[] key, int bytes) {
    if (flushEveryBytes == Long.MAX_VALUE) {
      return;
    }
    long[] partitions =
        pendingBytes.computeIfAbsent(topic, t -> new long[producer.partitionsFor(t).size()]);
    // the partition Kafka's default partitioner gives a record with this key
    int partition = Utils.toPositive(Utils.murmur2(key)) % partitions.length;
    partitions[partition] += bytes;
    if (partitions[partition] >= flushEveryBytes) {
      producer.flush();
      clearPending();
      afterOwnFlush.run();
    }
  }

  private void clearPending() {
    pendingBytes.values().forEach(partitions -> Arrays.fill(partitions, 0));
  }

  private void completed(Object metadata, Exception error) {
    if (error == null) {
      acknowledged.incrementAndGet();
    } else {
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, error);
    }
  }

  /** Waits until every event sent so far is acknowledged; throws if any send failed. */
  @Override
  public void flush() {
    producer.flush();
    clearPending();
    Exception failure = firstFailure.get();
    if (failure != null) {
      throw new IllegalStateException(failed.get() + " events were not delivered", failure);
    }
  }

  /** The producer's metrics: how many requests a flush took, for the tests of lock-step. */
  public Map<MetricName, ? extends Metric> metrics() {
    return producer.metrics();
  }

  public long sent() {
    return sent.get();
  }

  public long acknowledged() {
    return acknowledged.get();
  }

  public long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
