package dev.crashwatch.emitter;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;

/**
 * Where telemetry goes: Kafka through the spool of {@link SpoolingEmitter} on an endpoint, Kafka
 * directly through {@link TelemetryEmitter} in the simulator, a list in the simulator's own tests.
 * Each event is keyed by its device id and timestamped with the time it entered the pipeline: a
 * boot's or heartbeat's own time, a crash report's upload time (its crash time, often a boot
 * earlier, is in the payload). Raw bytes are only for {@link WireSink}s.
 */
public interface EventSink {

  void send(Boot boot);

  void send(Crash crash);

  void send(SensorHeartbeat heartbeat);

  /** Waits until everything sent is delivered; throws if anything was not. */
  void flush();
}
