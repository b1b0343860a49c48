package dev.crashwatch.emitter;

import org.apache.avro.specific.SpecificRecord;

/**
 * A sink that can also put bytes on the wire as they are: the simulator needs it to play garbage
 * records (FORMAT.md's {@code malformed}). An endpoint emitter is never one, so that nothing on a
 * real host can bypass the serializer.
 *
 * <p>It also takes the record timestamp from its caller: the simulator plays the broker of a fleet
 * whose input topics stamp records on arrival ({@code message.timestamp.type=LogAppendTime}), so it
 * stamps each record with the simulated time it delivers it, while the device's own (possibly
 * wrong) clock stays in the event. On the embedded stack the broker's clock reads the wall clock,
 * not simulated time, so the simulator has to do the stamping itself.
 */
public interface WireSink extends EventSink {

  /**
   * One event (a Boot, Crash or SensorHeartbeat) keyed by {@code device}, with the record timestamp
   * {@code arrival}: the time it reached the pipeline, by the pipeline's clock.
   */
  void send(String topic, String device, SpecificRecord event, long arrival);

  /** Bytes as they are, for records that are garbage on the wire. */
  void sendRaw(String topic, byte[] key, byte[] value, long timestamp);
}
