package dev.crashwatch.emitter;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;

/**
 * Where telemetry goes: Kafka through {@link TelemetryEmitter} in production, a list in the
 * simulator's own tests. Each event is keyed by its device id and timestamped with its own time.
 */
public interface EventSink {

  void send(Boot boot);

  void send(Crash crash);

  void send(SensorHeartbeat heartbeat);

  /** Bytes as they are, for records that are garbage on the wire. */
  void sendRaw(String topic, byte[] key, byte[] value, long timestamp);

  /** Waits until everything sent is delivered; throws if anything was not. */
  void flush();
}
