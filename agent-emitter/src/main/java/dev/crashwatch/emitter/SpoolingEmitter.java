package dev.crashwatch.emitter;

import dev.crashwatch.emitter.event.EndpointEvent;
import dev.crashwatch.emitter.event.EventType;
import dev.crashwatch.emitter.spool.Spool;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.emitter.spool.SpoolEntry;
import dev.crashwatch.emitter.spool.SpooledRecord;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emitter of a real endpoint: every accepted event is first appended to the durable local
 * {@link Spool}, and a sender thread replays the spool to Kafka in order, acknowledging a batch
 * only once the broker has acknowledged all of it. While Kafka or the registry is unreachable the
 * sender backs off and events accumulate on disk, bounded by the spool's size and policy.
 *
 * <p>A batch that failed part-way is sent again whole, so an event can reach Kafka twice; every
 * event carries its id, by which consumers drop the repeat. An event accepted here (append
 * returned) survives a crash of this process.
 *
 * <p>A spooled record that does not decode (its writer schema missing from the spool, say, or its
 * bytes damaged on disk) can never be sent, however long the sender waits: it is moved to {@link
 * #QUARANTINE} beside the spool, with the reason, logged as an ERROR and counted, and the records
 * after it go on. Decoding is local, so a failure to decode is not an outage to wait out.
 *
 * <p>A spooled event in this emitter's own schema is not decoded at all: its Avro binary goes on
 * the wire as it is, behind the registry's id of that schema, which is registered from its text
 * ({@link EventType}). With the endpoint's own events ({@link EndpointEvent}) this is how the
 * emitter runs without loading Avro's schema classes and the Jackson data binding they bring; only
 * events of another schema version, spooled by an older or newer emitter, are decoded and
 * serialized through Avro.
 */
public final class SpoolingEmitter implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolingEmitter.class);
  private static final int BATCH = 500;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** Directory in the spool directory holding the records that can never be sent, and why. */
  public static final String QUARANTINE = "quarantine";

  /**
   * The producer's {@code buffer.memory}: a spool batch of {@value #BATCH} events of a few hundred
   * bytes each, many times over, and more than the largest request the producer sends ({@code
   * max.request.size}, 1 MiB).
   */
  static final long PRODUCER_BUFFER_BYTES = 4L << 20;

  /**
   * How long the producer tries one send before the sender gives up on the batch and resends it
   * from the spool: Kafka's own default. The producer retries within it, so a broker that comes
   * back sooner gets the batch without the spool's help, and the request timeout it bounds is also
   * how often an idle producer wakes (see the constructor): 30 times an hour at two minutes, where
   * the 15 s this was before cost 240 wake-ups an hour, most of an idle emitter's CPU.
   */
  static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);

  private static final int LINGER_MS = 20;

  private final Spool spool;
  private final EventCodec codec;
  private final Topics topics;
  private final EventSerdes serdes;
  private final KafkaProducer<byte[], byte[]> producer;
  private Serializer<SpecificRecord> avroSerializer; // for events of other schema versions only
  private final Thread sender;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong quarantined = new AtomicLong();
  private final Path quarantineDir;
  private volatile boolean running = true;

  public SpoolingEmitter(
      Path spoolDir,
      SpoolConfig spoolConfig,
      String bootstrapServers,
      EventSerdes serdes,
      Topics topics)
      throws IOException {
    this(spoolDir, spoolConfig, bootstrapServers, serdes, topics, Map.of());
  }

  /**
   * @param security the producer's security settings (security.protocol, SASL, TLS), applied over
   *     the defaults
   */
  public SpoolingEmitter(
      Path spoolDir,
      SpoolConfig spoolConfig,
      String bootstrapServers,
      EventSerdes serdes,
      Topics topics,
      Map<String, Object> security)
      throws IOException {
    this(spoolDir, spoolConfig, bootstrapServers, serdes, topics, security, DELIVERY_TIMEOUT);
  }

  /**
   * @param deliveryTimeout how long the producer tries one send: {@link #DELIVERY_TIMEOUT}, or a
   *     shorter one for a test whose outage must outlast it
   */
  SpoolingEmitter(
      Path spoolDir,
      SpoolConfig spoolConfig,
      String bootstrapServers,
      EventSerdes serdes,
      Topics topics,
      Map<String, Object> security,
      Duration deliveryTimeout)
      throws IOException {
    this.spool = Spool.open(spoolDir, spoolConfig);
    this.quarantineDir = spoolDir.resolve(QUARANTINE);
    this.codec = new EventCodec(SpoolSchemas.of(spoolDir));
    this.topics = topics;
    this.serdes = serdes;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    // The whole delivery timeout less the linger (Kafka's largest allowed): an idle producer's
    // network thread wakes once per request timeout whatever it has to do (NetworkClient.poll caps
    // its wait there), and those wake-ups were most of an idle emitter's CPU at 5 s and 15 s. A
    // request to a broker that is gone fails as its connection closes, not by this timeout; one
    // with no answer is given up with its batch at the delivery timeout, and the spool sends it
    // again.
    config.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis() - LINGER_MS);
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    // One device's trickle: a batch of the spool is at most BATCH events of a few hundred bytes,
    // so a small pool is plenty and keeps the producer within a small heap (its default is 32 MiB,
    // half of the emitter's whole memory target).
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
    // No metrics pushed to the broker (KIP-714): a device has nobody reading them there, and the
    // push is a timer that wakes the idle producer.
    config.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
    // No JMX reporter (Kafka's default): an MBean per metric is heap and classes an endpoint never
    // reads; the daemon's /metrics reads the producer's metrics() directly.
    config.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
    config.putAll(security);
    this.producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    this.sender = new Thread(this::sendLoop, "spool-sender");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void send(Boot boot) {
    accept(topics.boots(), boot.getDeviceId(), boot.getBootTime().toEpochMilli(), boot);
  }

  @Override
  public void send(Crash crash) {
    accept(topics.crashes(), crash.getDeviceId(), crash.getUploadTime().toEpochMilli(), crash);
  }

  @Override
  public void send(SensorHeartbeat heartbeat) {
    accept(
        topics.heartbeats(),
        heartbeat.getDeviceId(),
        heartbeat.getTime().toEpochMilli(),
        heartbeat);
  }

  /**
   * Appends an endpoint's event to the spool; once this returns, the event survives a crash of this
   * process.
   */
  public void send(EndpointEvent event) {
    accept(
        event.type().topicIn(topics),
        event.deviceId(),
        event.entered().toEpochMilli(),
        codec.encode(event));
  }

  private void accept(String topic, String device, long timestamp, SpecificRecord event) {
    accept(topic, device, timestamp, codec.encode(event));
  }

  /** Appends to the spool; once this returns, the event survives a crash of this process. */
  private void accept(String topic, String device, long timestamp, byte[] spooled) {
    try {
      spool.append(
          new SpooledRecord(topic, device.getBytes(StandardCharsets.UTF_8), spooled, timestamp));
      accepted.incrementAndGet();
      LockSupport.unpark(sender);
    } catch (IOException e) {
      throw new UncheckedIOException("event not accepted: " + e.getMessage(), e);
    }
  }

  private void sendLoop() {
    long backoffMs = 100;
    while (running) {
      try {
        List<SpoolEntry> batch = spool.read(BATCH);
        if (batch.isEmpty()) {
          // Idle until accept() or close() unparks this thread: no polling between heartbeats.
          // An append between the read and here leaves a permit, so park returns at once.
          LockSupport.park(this);
          if (Thread.currentThread().isInterrupted()) {
            return; // close()
          }
          continue;
        }
        int sent = sendBatch(batch);
        spool.acknowledge(batch.get(batch.size() - 1).next());
        delivered.addAndGet(sent);
        backoffMs = 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.warn(
            "cannot deliver spooled events yet ({}); retrying in {} ms", e.getMessage(), backoffMs);
        try {
          TimeUnit.MILLISECONDS.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
      }
    }
  }

  /** Sends the batch and waits for the broker to acknowledge it; returns the events sent. */
  private int sendBatch(List<SpoolEntry> batch) throws Exception {
    List<Future<?>> sends = new ArrayList<>(batch.size());
    for (SpoolEntry entry : batch) {
      SpooledRecord r = entry.record();
      byte[] value = wireValue(entry);
      if (value != null) {
        sends.add(
            producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(), value)));
      }
    }
    for (Future<?> send : sends) {
      send.get();
    }
    return sends.size();
  }

  /**
   * The spooled event in the wire format, or null when it can never be sent and was quarantined. An
   * event in this emitter's own schema of its type is checked to be one whole valid event and sent
   * as it is; any other is decoded into this emitter's schema and serialized.
   */
  private byte[] wireValue(SpoolEntry entry) throws IOException {
    SpooledRecord r = entry.record();
    Optional<EventType> current = EventCodec.currentType(r.value());
    if (current.isPresent()) {
      EventType type = current.get();
      try {
        type.read(r.value(), EventCodec.BODY_OFFSET);
      } catch (IllegalArgumentException e) {
        quarantine(entry, e);
        return null;
      }
      int id = serdes.valueSchemaId(r.topic(), type.fullName(), type.schemaText());
      int length = r.value().length - EventCodec.BODY_OFFSET;
      return WireFormat.withHeader(id, r.value(), EventCodec.BODY_OFFSET, length);
    }
    SpecificRecord event;
    try {
      event = codec.decode(r.value());
    } catch (RuntimeException e) {
      quarantine(entry, e);
      return null;
    }
    return avroSerializer().serialize(r.topic(), event);
  }

  /** Avro's serializer, made on first use: only events of other schema versions need it. */
  private Serializer<SpecificRecord> avroSerializer() {
    if (avroSerializer == null) {
      avroSerializer = TelemetryEmitter.eventSerializer(serdes);
    }
    return avroSerializer;
  }

  /**
   * Keeps a record that can never be sent out of the sender's way: its bytes in {@code
   * <segment>-<offset>.event} and what it was and why in {@code <segment>-<offset>.reason}. A
   * record quarantined again (its batch resent after a failed send) is written over, and counted
   * once.
   */
  private void quarantine(SpoolEntry entry, RuntimeException why) throws IOException {
    SpooledRecord r = entry.record();
    String name = entry.position().segment() + "-" + entry.position().offset();
    Path reason = quarantineDir.resolve(name + ".reason");
    boolean first = !Files.exists(reason);
    Files.createDirectories(quarantineDir);
    Files.write(quarantineDir.resolve(name + ".event"), r.value());
    Files.writeString(
        reason,
        String.format(
            "topic %s, key %s, timestamp %d, %d bytes: %s%n",
            r.topic(),
            new String(r.key(), StandardCharsets.UTF_8),
            r.timestamp(),
            r.value().length,
            why.getMessage()),
        StandardCharsets.UTF_8);
    if (first) {
      quarantined.incrementAndGet();
      LOG.error(
          "spooled event at {} cannot be decoded and is never sent: moved to {} ({})",
          entry.position(),
          quarantineDir.resolve(name + ".event"),
          why.getMessage());
    }
  }

  /** Events accepted into the spool by this instance. */
  public long accepted() {
    return accepted.get();
  }

  /** Events acknowledged by the broker by this instance (a re-sent batch counts again). */
  public long delivered() {
    return delivered.get();
  }

  /** The Kafka producer, for reading its metrics (e.g. Micrometer's binder); not for sending. */
  public Producer<?, ?> producer() {
    return producer;
  }

  /** Spooled events that could not be decoded, moved to {@link #QUARANTINE} by this instance. */
  public long quarantined() {
    return quarantined.get();
  }

  /** Events in the spool not yet acknowledged by the broker. */
  public long pending() {
    return spool.stats().pending();
  }

  /** Waits until the spool is empty or the timeout passes; true when it is empty. */
  public boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return pending() == 0;
  }

  @Override
  public void flush() {
    try {
      spool.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    running = false;
    sender.interrupt();
    sender.join(Duration.ofSeconds(10).toMillis());
    producer.close(Duration.ofSeconds(5));
    spool.close();
  }
}
