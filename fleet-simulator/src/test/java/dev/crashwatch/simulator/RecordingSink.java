package dev.crashwatch.simulator;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** An in-memory sink that keeps everything in the order it was sent. */
final class RecordingSink implements WireSink {

  /** One sent record: an event, or raw garbage (event null). */
  record Sent(SpecificRecord event, String topic, byte[] raw, long timestamp) {}

  final List<Sent> sent = new ArrayList<>();

  @Override
  public void send(Boot boot) {
    sent.add(new Sent(boot, "boots", null, boot.getBootTime().toEpochMilli()));
  }

  @Override
  public void send(Crash crash) {
    sent.add(new Sent(crash, "crashes", null, crash.getUploadTime().toEpochMilli()));
  }

  @Override
  public void send(SensorHeartbeat heartbeat) {
    sent.add(new Sent(heartbeat, "heartbeats", null, heartbeat.getTime().toEpochMilli()));
  }

  /** The simulator's path: kept under the same short topic names as the typed sends. */
  @Override
  public void send(String topic, String device, SpecificRecord event, long arrival) {
    String kind =
        event instanceof Boot ? "boots" : event instanceof Crash ? "crashes" : "heartbeats";
    sent.add(new Sent(event, kind, null, arrival));
  }

  @Override
  public void sendRaw(String topic, byte[] key, byte[] value, long timestamp) {
    sent.add(new Sent(null, topic, value, timestamp));
  }

  @Override
  public void flush() {}

  <T> List<T> events(Class<T> type) {
    return sent.stream().map(Sent::event).filter(type::isInstance).map(type::cast).toList();
  }
}
