package dev.crashwatch.processor;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.metrics.RegistryOutage;
import dev.crashwatch.processor.signal.ListedVendorFeeds;
import dev.crashwatch.processor.state.BoundedRocksDbMemory;
import dev.crashwatch.processor.state.SourceWatermark;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the topology: owns the {@link KafkaStreams} lifecycle, fails loudly on an uncaught error,
 * and logs state changes. The topology itself comes from {@link CrashwatchTopology#build}.
 */
public final class StreamProcessor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);

  /** How often the list of vendor health feeds is refreshed: a new feed is used within this. */
  private static final Duration FEED_REFRESH = Duration.ofSeconds(10);

  /** How long {@link #start} waits for the broker to describe the input topics. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How long {@link #close} waits for the stream threads to commit and close their stores. A stop
   * that kills the processor sooner loses nothing under exactly-once, but leaves local state
   * without a checkpoint, which the next start wipes and restores from the changelogs.
   */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Kafka 4.3 deprecates the key only because 5.0 makes its value the default; until then it must
   * be set, or the global thread's processing exceptions skip the configured handler.
   */
  @SuppressWarnings("deprecation")
  private static final String GLOBAL_HANDLER =
      StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;

  private final KafkaStreams streams;
  private final Admin admin;
  private final ListedVendorFeeds vendorFeeds;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;
  private final KafkaStreamsMetrics streamsMetrics;
  private final Topics topics;
  private final Path appStateDir;

  /** The input topics' partition count, read at {@link #start}: see {@link SourceWatermark}. */
  private final AtomicInteger upstreamTasks = new AtomicInteger();

  private final RegistryOutage registryOutage = new RegistryOutage(Clock.systemUTC());

  public StreamProcessor(ProcessorSettings settings) {
    this(settings, new CompositeMeterRegistry());
  }

  /**
   * With Kafka Streams' metrics and the pipeline's own ({@link PipelineMetrics}) in {@code meters}.
   */
  public StreamProcessor(ProcessorSettings settings, MeterRegistry meters) {
    // The registry's TLS, basic auth and auto-registration (off in a secured deployment) too.
    this.topics = settings.topics();
    EventSerdes serdes = EventSerdes.connect(RegistrySettings.serdeConfig(settings.raw()));
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    settings
        .raw()
        .kafkaOverrides()
        .forEach(
            (k, v) -> {
              if (AdminClientConfig.configNames().contains(k)) {
                adminProps.put(k, v);
              }
            });
    this.admin = Admin.create(adminProps);
    this.vendorFeeds =
        new ListedVendorFeeds(admin, settings.topics().vendorHealthPrefix(), FEED_REFRESH);
    Topology topology = CrashwatchTopology.build(settings, serdes, Clock.systemUTC(), vendorFeeds);
    LOG.debug("topology:\n{}", topology.describe());
    Properties config = streamsConfig(settings);
    this.appStateDir =
        Path.of(new StreamsConfig(config).getString(StreamsConfig.STATE_DIR_CONFIG))
            .resolve(settings.applicationId());
    config.put(PipelineMetrics.CONFIG_KEY, new PipelineMetrics(meters));
    config.put(SourceWatermark.UPSTREAM_TASKS_CONFIG, upstreamTasks);
    config.put(RegistryOutage.CONFIG_KEY, registryOutage);
    this.streams = new KafkaStreams(topology, config);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(meters);
    streams.setUncaughtExceptionHandler(
        e -> {
          failure = e;
          LOG.error("stream processor failed; shutting down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("stream processor {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
  }

  /**
   * Kafka Streams defaults chosen for throughput; each yields to its {@code kafka.*} setting.
   * Measured by {@code crashwatch bench processor --devices 20000} in one run (README, Benchmarks),
   * CPU per event in the whole JVM (processor and broker): 244 µs with Kafka's defaults, 146 µs
   * with the commit interval alone, 89 µs with all three.
   *
   * <p>{@code commit.interval.ms}: with exactly-once every commit ends a transaction, which writes
   * a marker to every partition the thread wrote since (input offsets, the changelogs of five
   * stores, two repartition topics, the outputs) and flushes every store; at Kafka's exactly-once
   * default of 100 ms that work dominated. The price is latency: a record is visible downstream
   * only after its commit, so each of the three hops to a signal adds up to one interval (at most 3
   * s, against the target of a HALT within 60 s of the evidence). Runs that step in lock-step with
   * the processor ({@code simulate}, the backtest) set their own short interval.
   *
   * <p>{@code statestore.cache.max.bytes}: the record cache of the stores that keep it (version
   * figures, detector figures and states; the per-device stores run without) folds the many writes
   * of one key between two commits into one changelog record and one RocksDB write; Kafka's 10 MiB
   * is shared by all tasks of the thread. 64 MiB of heap, within the processor's 1 GiB budget.
   *
   * <p>{@code producer.batch.size}: the changelog and repartition records of one commit go to the
   * same few partitions in bursts; batches of 256 KiB (Kafka's default 16 KiB) send them in fewer
   * requests, for less work in the client and in the broker.
   */
  static final Map<String, Object> THROUGHPUT_DEFAULTS =
      Map.of(
          StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
          1_000L,
          StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG,
          64L * 1024 * 1024,
          StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
          256 * 1024);

  /** Kafka Streams properties: exactly-once, named application, pass-through overrides. */
  public static Properties streamsConfig(ProcessorSettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    // Hold a task until all its input partitions have data, so that event time stays aligned
    // across boots, crashes and heartbeats during fast replays (see docs/architecture.md, "Cost
    // model": replays drop data as late otherwise).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 1_000L);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putAll(THROUGHPUT_DEFAULTS);
    // Opt in to what becomes the default in Kafka 5.0 (and silences the warning that says so).
    // Kafka Streams 4.3 also reads it in each stream thread's partition assignor, from the main
    // consumer's configuration, and warns there once per thread unless it is set there too.
    props.put(GLOBAL_HANDLER, true);
    props.put(StreamsConfig.mainConsumerPrefix(GLOBAL_HANDLER), true);
    settings.stateDir().ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir));
    long rocksDbMemory = settings.rocksDbMemoryBytes();
    if (rocksDbMemory > 0) {
      props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
      props.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, rocksDbMemory);
    }
    props.putAll(settings.raw().kafkaOverrides());
    return props;
  }

  /**
   * Starts the processor once its input topics exist; the watermark learns from their partition
   * count how many upstream tasks it waits for (one per partition: they co-partition).
   */
  public void start() throws InterruptedException {
    upstreamTasks.set(inputPartitions());
    LocalStateCheck local = new LocalStateCheck(admin, appStateDir);
    Optional<String> stale = local.staleBecause();
    if (stale.isPresent()) {
      LOG.warn(
          "the local state in {} does not belong to this cluster: {}; deleting it, it is rebuilt"
              + " from the changelogs",
          appStateDir,
          stale.get());
      streams.cleanUp();
    }
    local.markUsed();
    streams.start();
  }

  private int inputPartitions() {
    String boots = topics.boots();
    try {
      return admin
          .describeTopics(List.of(boots))
          .allTopicNames()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .get(boots)
          .partitions()
          .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + boots, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot describe the input topic "
              + boots
              + " (does it exist? crashwatch topics creates it): "
              + e.getMessage(),
          e);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** Lists the vendor health feeds now: for a runner that has just created some. */
  public void refreshVendorFeeds() {
    vendorFeeds.refresh();
  }

  /** The admin client of this processor (bootstrap servers and the kafka.* settings). */
  public Admin admin() {
    return admin;
  }

  /** Blocks until the processor stops; returns the error that stopped it, if any. */
  public Throwable awaitStop(Duration timeout) throws InterruptedException {
    stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return failure;
  }

  /** The schema registry outage the decoders are waiting out, if any: for the health endpoint. */
  public RegistryOutage registryOutage() {
    return registryOutage;
  }

  @Override
  public void close() {
    registryOutage.stopWaiting();
    streams.close(CLOSE_TIMEOUT);
    vendorFeeds.close();
    streamsMetrics.close();
    admin.close(Duration.ofSeconds(5));
  }
}
