package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.metrics.RegistryOutage;
import dev.crashwatch.serde.SerdeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns raw input bytes into events, or into dead letters that keep the original bytes and say why.
 * Decoding here, not in a {@code DeserializationExceptionHandler}, lets one processor apply the
 * serde's checks and the telemetry checks (key, plausible time) in one place, and keeps the
 * dead-letter path a normal, tested branch of the topology.
 *
 * <p>A registry that cannot be reached, or that refuses the processor's credentials, is not the
 * record's fault: the task waits and asks again ({@link RegistryOutage}) instead of failing or
 * dead-lettering the record.
 *
 * @param <T> the event type of this input topic
 */
public final class TelemetryDecoder<T extends SpecificRecord>
    implements Processor<byte[], byte[], String, Decoded> {

  /** Anything earlier is a device whose clock was reset, not a real event. */
  public static final Instant EARLIEST_PLAUSIBLE = Instant.parse("2000-01-01T00:00:00Z");

  private final Deserializer<T> deserializer;
  private final Function<T, String> deviceId;
  private final Function<T, Instant> eventTime;
  private final long maxSkewMs;
  private final long maxJumpMs;
  private final Clock wallClock;
  private final String applicationId;
  private final DeviceInput input;
  private ProcessorContext<String, Decoded> context;
  private PipelineMetrics metrics;
  private RegistryOutage registryOutage;

  public TelemetryDecoder(
      Deserializer<T> deserializer,
      Function<T, String> deviceId,
      Function<T, Instant> eventTime,
      Duration maxSkew,
      Duration maxJump,
      Clock wallClock,
      String applicationId,
      DeviceInput input) {
    this.deserializer = deserializer;
    this.deviceId = deviceId;
    this.eventTime = eventTime;
    this.maxSkewMs = maxSkew.toMillis();
    this.maxJumpMs = maxJump.toMillis();
    this.wallClock = wallClock;
    this.applicationId = applicationId;
    this.input = input;
  }

  @Override
  public void init(ProcessorContext<String, Decoded> context) {
    this.context = context;
    this.metrics = PipelineMetrics.of(context);
    this.registryOutage = RegistryOutage.of(context);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    metrics.eventIn(topic, record.timestamp() < context.currentStreamTimeMs());
    if (record.value() == null || record.key() == null) {
      reject(
          record,
          RejectReason.EMPTY.name(),
          "record has no " + (record.key() == null ? "key" : "value"));
      return;
    }
    T event;
    try {
      event =
          registryOutage.await(
              () -> deserializer.deserialize(topic, record.headers(), record.value()));
    } catch (SerdeException e) {
      reject(record, e.error().name(), e.getMessage());
      return;
    }
    Optional<DeviceInput.Problem> problem = input.check(event);
    if (problem.isPresent()) {
      reject(record, problem.get().reason().name(), problem.get().detail());
      return;
    }
    String key = new String(record.key(), StandardCharsets.UTF_8);
    String device = deviceId.apply(event);
    if (!key.equals(device)) {
      reject(
          record,
          RejectReason.KEY_MISMATCH.name(),
          "key " + DeviceInput.quoted(key) + " but deviceId " + DeviceInput.quoted(device));
      return;
    }
    long time = eventTime.apply(event).toEpochMilli();
    if (time < EARLIEST_PLAUSIBLE.toEpochMilli()) {
      reject(
          record, RejectReason.ABSURD_TIMESTAMP.name(), "event time " + Instant.ofEpochMilli(time));
      return;
    }
    // The extractor held a far-future timestamp back to the time already reached: the same two
    // bounds, against the wall clock and against the time reached, find the records it held back.
    long now = wallClock.millis();
    if (time > now + maxSkewMs || time > record.timestamp() + maxJumpMs) {
      long reference = Math.min(record.timestamp(), now);
      reject(
          record,
          RejectReason.FROM_THE_FUTURE.name(),
          "event time "
              + Instant.ofEpochMilli(time)
              + " is ahead of "
              + Instant.ofEpochMilli(reference)
              + " by more than the allowed clock skew ("
              + Duration.ofMillis(maxSkewMs)
              + ") or time jump ("
              + Duration.ofMillis(maxJumpMs)
              + ")");
      return;
    }
    Decoded.Raw raw = new Decoded.Raw(record.key(), record.value(), record.timestamp());
    // Downstream, a record's time is its arrival (the record timestamp), never the device's clock:
    // the device state places every count by it, so that a clock half an hour off neither hides a
    // crash from its window nor depends on how a task's partitions interleave.
    context.forward(record.withKey(key).withValue(Decoded.event(event, raw)));
  }

  private void reject(Record<byte[], byte[]> record, String reason, String detail) {
    metrics.deadLetter(context.recordMetadata().orElseThrow().topic(), reason);
    DeadLetter letter =
        DeadLetters.of(
            context.recordMetadata().orElseThrow(),
            new Decoded.Raw(record.key(), record.value(), record.timestamp()),
            record.headers(),
            reason,
            detail,
            wallClock.instant(),
            applicationId);
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    context.forward(record.withKey(key).withValue(Decoded.deadLetter(letter)));
  }

  @Override
  public void close() {
    deserializer.close();
  }
}
