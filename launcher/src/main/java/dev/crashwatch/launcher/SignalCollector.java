package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.simulator.report.ObservedSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the rollback-signals topic in the background while a scenario runs, as release tooling
 * would, and keeps every signal with the time the run saw it. One log line per signal.
 */
final class SignalCollector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SignalCollector.class);

  private final KafkaConsumer<String, RollbackSignal> consumer;
  private final List<ObservedSignal> signals = new ArrayList<>();
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param kafka bootstrap servers and security settings of the reader (the SOC principal on a
   *     secured cluster: its group id starts with {@value AccessPlan#SOC_GROUPS})
   */
  SignalCollector(Map<String, Object> kafka, EventSerdes serdes, String topic) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        AccessPlan.SOC_GROUPS + "crashwatch-signal-collector-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), serdes.value(RollbackSignal.class).deserializer());
    consumer.subscribe(List.of(topic));
    this.thread = new Thread(this::poll, "signal-collector");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (running) {
        for (var record : consumer.poll(Duration.ofMillis(20))) {
          RollbackSignal s = record.value();
          ObservedSignal seen =
              new ObservedSignal(
                  s.getComponent(),
                  s.getVersion(),
                  s.getAction().name(),
                  s.getEvidence().getDecisionTime(),
                  Instant.now());
          LOG.info(
              "signal {} {} at {}: {}",
              seen.action(),
              seen.target(),
              seen.simulatedTime(),
              s.getReason());
          synchronized (signals) {
            signals.add(seen);
          }
        }
        for (TopicPartition tp : consumer.assignment()) {
          positions.put(tp, consumer.position(tp));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException stopping) {
      // close() woke the consumer up
    } finally {
      consumer.close();
    }
  }

  /**
   * Waits until this collector has read up to {@code ends} (offsets taken after the processor
   * committed everything), so that no signal it produced is missed.
   */
  void awaitRead(Map<TopicPartition, Long> ends, Duration timeout) throws InterruptedException {
    Progress.await(
        "the signal collector to read every signal",
        timeout,
        () ->
            ends.entrySet().stream()
                .allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue()));
  }

  List<ObservedSignal> signals() {
    synchronized (signals) {
      return List.copyOf(signals);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
