package dev.crashwatch.processor;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.processor.metrics.PipelineMetrics;
import dev.crashwatch.processor.signal.ListedVendorFeeds;
import dev.crashwatch.schema.EventSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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

  private final KafkaStreams streams;
  private final Admin admin;
  private final ListedVendorFeeds vendorFeeds;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;
  private final KafkaStreamsMetrics streamsMetrics;

  public StreamProcessor(ProcessorSettings settings) {
    this(settings, new CompositeMeterRegistry());
  }

  /**
   * With Kafka Streams' metrics and the pipeline's own ({@link PipelineMetrics}) in {@code meters}.
   */
  public StreamProcessor(ProcessorSettings settings, MeterRegistry meters) {
    // The registry's TLS, basic auth and auto-registration (off in a secured deployment) too.
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
    config.put(PipelineMetrics.CONFIG_KEY, new PipelineMetrics(meters));
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
    // Opt in to what becomes the default in Kafka 5.0 (and silences the warning that says so).
    props.put("processing.exception.handler.global.enabled", true);
    settings.stateDir().ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir));
    props.putAll(settings.raw().kafkaOverrides());
    return props;
  }

  public void start() {
    streams.start();
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

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    vendorFeeds.close();
    streamsMetrics.close();
    admin.close(Duration.ofSeconds(5));
  }
}
