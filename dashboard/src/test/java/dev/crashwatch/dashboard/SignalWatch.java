package dev.crashwatch.dashboard;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.schema.EventSerdes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The test's own reader of the rollback-signals topic (read_committed, like any consumer): notes
 * the wall-clock moment each signal became readable, the start of the topic-to-page latency. (The
 * records' own timestamps are stream time, the simulated 2024 clock, so they cannot be used.)
 */
final class SignalWatch implements AutoCloseable {

  /** A signal and when the test could first read it, epoch milliseconds. */
  record Seen(String signalId, String action, long consumedAt) {}

  private final KafkaConsumer<String, RollbackSignal> consumer;
  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  SignalWatch(Map<String, Object> consumerConfig, EventSerdes serdes, String topic) {
    consumer =
        new KafkaConsumer<>(
            consumerConfig,
            new StringDeserializer(),
            serdes.value(RollbackSignal.class).deserializer());
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    thread = new Thread(this::poll, "signal-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        for (var r : consumer.poll(Duration.ofMillis(10))) {
          long now = System.currentTimeMillis();
          synchronized (seen) {
            seen.putIfAbsent(
                r.value().getSignalId(),
                new Seen(r.value().getSignalId(), r.value().getAction().name(), now));
          }
        }
      }
    } catch (WakeupException stopping) {
      // closed
    } finally {
      consumer.close();
    }
  }

  List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen.values());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
