package dev.crashwatch.launcher;

import dev.crashwatch.emitter.WireSink;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * A sink in front of the simulator's emitter that, once {@link #silence silenced}, drops every
 * record the producer would send to one of a set of partitions of the input topics, so that those
 * partitions go quiet while the others keep flowing. The partition of a keyed record is the
 * producer's default one (murmur2 of the key's bytes, the device id in UTF-8, as {@code
 * StringSerializer} writes it); a record without a key may land on any partition, so it is dropped
 * too once the sink is silenced.
 */
final class QuietPartitions implements WireSink {

  private final WireSink delegate;
  private final int partitions;
  private volatile Set<Integer> quiet = Set.of();
  private long passed;
  private long dropped;

  /**
   * @param delegate where the records that stay go
   * @param partitions the input topics' partition count
   */
  QuietPartitions(WireSink delegate, int partitions) {
    this.delegate = delegate;
    this.partitions = partitions;
  }

  /** From now on, drops every record bound for one of {@code partitions}. */
  void silence(Set<Integer> partitions) {
    quiet = Set.copyOf(partitions);
  }

  /** The input partition the producer sends a record keyed {@code key} to. */
  static int partitionOf(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  private boolean keeps(byte[] key) {
    if (quiet.isEmpty()) {
      passed++;
      return true;
    }
    boolean keep = key != null && !quiet.contains(partitionOf(key, partitions));
    if (keep) {
      passed++;
    } else {
      dropped++;
    }
    return keep;
  }

  private boolean keeps(String device) {
    return keeps(device.getBytes(StandardCharsets.UTF_8));
  }

  /** Records sent on to the emitter. */
  long passed() {
    return passed;
  }

  /** Records dropped because they were bound for a quiet partition. */
  long dropped() {
    return dropped;
  }

  @Override
  public void send(String topic, String device, SpecificRecord event, long arrival) {
    if (keeps(device)) {
      delegate.send(topic, device, event, arrival);
    }
  }

  @Override
  public void sendRaw(String topic, byte[] key, byte[] value, long timestamp) {
    if (keeps(key)) {
      delegate.sendRaw(topic, key, value, timestamp);
    }
  }

  @Override
  public void send(Boot boot) {
    if (keeps(boot.getDeviceId())) {
      delegate.send(boot);
    }
  }

  @Override
  public void send(Crash crash) {
    if (keeps(crash.getDeviceId())) {
      delegate.send(crash);
    }
  }

  @Override
  public void send(SensorHeartbeat heartbeat) {
    if (keeps(heartbeat.getDeviceId())) {
      delegate.send(heartbeat);
    }
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
