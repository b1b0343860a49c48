package dev.crashwatch.dashboard;

import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.SerdeError;
import dev.crashwatch.serde.SerdeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the four output topics the dashboard shows (rollback-signals, spike-alerts, version-health,
 * telemetry-dead-letters) from the beginning, read_committed, into a {@link DashboardView}, on a
 * thread of its own until closed. Reading from the beginning is what lets a dashboard started late
 * rebuild its view from the compacted topics.
 *
 * <p>Topics that do not exist yet are looked for again every {@link #DISCOVERY_INTERVAL}, and so
 * are partitions added later. A record that does not decode is counted as unreadable and skipped;
 * an unreachable registry is nobody's record's fault, so its partition is read again after a pause.
 */
public final class OutputTopicsReader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OutputTopicsReader.class);
  static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(2);
  private static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DashboardView view;
  private final Topics topics;
  private final Deserializer<RollbackSignal> signals;
  private final Deserializer<SpikeAlert> alerts;
  private final Deserializer<VersionHealth> health;
  private final Deserializer<DeadLetter> deadLetters;
  private final Set<String> found = ConcurrentHashMap.newKeySet();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private MeterRegistry meters = new CompositeMeterRegistry();
  private final Map<String, Counter> recordsRead = new ConcurrentHashMap<>();

  public OutputTopicsReader(
      Map<String, Object> consumerConfig, EventSerdes serdes, Topics topics, DashboardView view) {
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.view = view;
    this.topics = topics;
    this.signals = serdes.value(RollbackSignal.class).deserializer();
    this.alerts = serdes.value(SpikeAlert.class).deserializer();
    this.health = serdes.value(VersionHealth.class).deserializer();
    this.deadLetters = serdes.value(DeadLetter.class).deserializer();
    this.thread = new Thread(this::run, "dashboard-topics-reader");
    thread.setDaemon(true);
  }

  /**
   * Counts into {@code registry} before {@link #start()}: records read and unreadable per topic
   * ({@code crashwatch_dashboard_records_read_total}, {@code
   * crashwatch_dashboard_records_unreadable_total}) and the consumer's own Kafka metrics.
   */
  @SuppressWarnings("resource") // the binder lives as long as the consumer, closed with it
  public OutputTopicsReader withMetrics(MeterRegistry registry) {
    this.meters = registry;
    new KafkaClientMetrics(consumer).bindTo(registry);
    return this;
  }

  public void start() {
    thread.start();
  }

  /** Whether the reader is still reading (false before start and after a failure or close). */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /** The topics found so far (and assigned from their beginning). */
  public Set<String> topicsFound() {
    return Set.copyOf(found);
  }

  /**
   * Ready to serve: reading, and every output topic found (or refused to this principal, whose
   * panel then stays empty).
   */
  public boolean ready() {
    return isRunning() && found.size() + denied.size() >= wanted().size();
  }

  /** What stopped the reader, or null while it runs. */
  public Throwable failure() {
    return failure;
  }

  private List<String> wanted() {
    return List.of(
        topics.rollbackSignals(),
        topics.spikeAlerts(),
        topics.versionHealth(),
        topics.deadLetters());
  }

  private void run() {
    long nextDiscovery = 0;
    try {
      while (running) {
        if (System.nanoTime() >= nextDiscovery) {
          try {
            discover();
          } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // A slow or restarting broker: look again at the next discovery, keep what is read.
            LOG.warn("looking for the output topics timed out ({}); trying again", e.getMessage());
          }
          nextDiscovery = System.nanoTime() + DISCOVERY_INTERVAL.toNanos();
        }
        if (consumer.assignment().isEmpty()) {
          Thread.sleep(100);
          continue;
        }
        dispatch(consumer.poll(Duration.ofMillis(200)));
      }
    } catch (WakeupException | InterruptedException stopping) {
      // close() stops the reader
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the dashboard stopped reading the output topics: {}", e.toString());
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** Assigns, from the beginning, every partition of the wanted topics not yet assigned. */
  private void discover() {
    Set<TopicPartition> added = new HashSet<>();
    for (String topic : wanted()) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (TopicAuthorizationException e) {
        // A principal may read the alert topics and not, say, the dead letters: show the rest.
        if (denied.add(topic)) {
          LOG.warn("not authorized to read {}: its part of the page stays empty", topic);
        }
        continue;
      }
      if (partitions == null || partitions.isEmpty()) {
        continue;
      }
      if (found.add(topic)) {
        LOG.info("reading {} ({} partitions) from the beginning", topic, partitions.size());
      }
      for (PartitionInfo p : partitions) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        if (!consumer.assignment().contains(tp)) {
          added.add(tp);
        }
      }
    }
    if (!added.isEmpty()) {
      Set<TopicPartition> all = new HashSet<>(consumer.assignment());
      all.addAll(added);
      consumer.assign(all);
      consumer.seekToBeginning(added);
    }
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    List<VersionHealth> snapshots = new ArrayList<>();
    List<DeadLetter> letters = new ArrayList<>();
    Set<TopicPartition> retry = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (retry.contains(tp) || r.value() == null) {
        continue; // a later record of a partition to read again, or a compaction tombstone
      }
      try {
        recordsRead
            .computeIfAbsent(
                r.topic(),
                topic -> meters.counter("crashwatch.dashboard.records.read", "topic", topic))
            .increment();
        if (r.topic().equals(topics.rollbackSignals())) {
          view.onSignal(signals.deserialize(r.topic(), r.headers(), r.value()), r.timestamp());
        } else if (r.topic().equals(topics.spikeAlerts())) {
          view.onAlert(alerts.deserialize(r.topic(), r.headers(), r.value()));
        } else if (r.topic().equals(topics.versionHealth())) {
          snapshots.add(health.deserialize(r.topic(), r.headers(), r.value()));
        } else if (r.topic().equals(topics.deadLetters())) {
          letters.add(deadLetters.deserialize(r.topic(), r.headers(), r.value()));
        }
      } catch (SerdeException e) {
        if (e.error() == SerdeError.REGISTRY_UNREACHABLE) {
          LOG.warn("schema registry unreachable, reading {} again: {}", tp, e.getMessage());
          consumer.seek(tp, r.offset());
          retry.add(tp);
        } else {
          LOG.warn("unreadable record {}@{}: {}", tp, r.offset(), e.getMessage());
          view.onUnreadable(r.topic());
          meters.counter("crashwatch.dashboard.records.unreadable", "topic", r.topic()).increment();
        }
      }
    }
    view.onHealth(snapshots);
    view.onDeadLetters(letters);
    if (!retry.isEmpty()) {
      Thread.sleep(REGISTRY_RETRY.toMillis());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(5))); // never started: nobody else will close it
      return;
    }
    consumer.wakeup();
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
