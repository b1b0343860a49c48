package dev.crashwatch.localstack;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM,
 * listening on 127.0.0.1 only.
 *
 * <p>The data directory belongs to the broker: it is wiped and formatted at start and deleted by
 * {@link #close()}. In between, {@link #stop()} and {@link #restart()} take the same broker down
 * and up again on the same ports and data, as a broker restart does. Topics are not auto-created;
 * create them explicitly.
 */
public final class LocalKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  private static final int START_ATTEMPTS = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final Path dataDir;
  // Kept for restart(): the same listeners (client and controller port) and the same log dirs.
  private final Map<String, Object> properties;
  private final String bootstrapServers;
  private final long startMillis;
  // A KafkaRaftServer cannot start again once shut down: restart() builds a new one.
  private KafkaRaftServer server;
  private boolean closed;

  private LocalKafka(
      Path dataDir,
      Map<String, Object> properties,
      KafkaRaftServer server,
      String bootstrapServers,
      long startMillis) {
    this.dataDir = dataDir;
    this.properties = properties;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.startMillis = startMillis;
  }

  /** Starts a broker with the default settings; see {@link #start(Path, Map)}. */
  public static LocalKafka start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /**
   * Formats {@code dataDir} and starts a broker, returning once it answers an admin request.
   *
   * @param dataDir directory owned by the broker (wiped now, deleted on close)
   * @param overrides broker properties applied over the defaults, e.g. {@code num.partitions}
   */
  public static LocalKafka start(Path dataDir, Map<String, String> overrides) {
    return start(dataDir, overrides, 0);
  }

  /**
   * Starts a broker whose client listener is on {@code port} (0 for any free port): for tests that
   * make a broker appear where clients have been trying to reach one.
   */
  public static LocalKafka start(Path dataDir, Map<String, String> overrides, int port) {
    long t0 = System.nanoTime();
    RuntimeException lastBindFailure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOnce(dataDir, overrides, port, t0);
      } catch (RuntimeException e) {
        if (!Support.causedByBindFailure(e)) {
          throw e;
        }
        // Another process took a port between our probe and the broker's bind: try new ports.
        log.debug("Kafka start attempt {} lost a port race, retrying", attempt, e);
        lastBindFailure = e;
      }
    }
    throw new IllegalStateException(
        "Kafka could not bind loopback ports after " + START_ATTEMPTS + " attempts",
        lastBindFailure);
  }

  private static LocalKafka startOnce(
      Path dir, Map<String, String> overrides, int fixedPort, long t0) {
    Path dataDir = Support.freshDirectory(dir);
    int[] ports = Support.freeLoopbackPorts(2);
    if (fixedPort != 0) {
      ports[0] = fixedPort;
    }
    String bootstrap = Support.LOOPBACK + ":" + ports[0];
    Map<String, Object> props = brokerProperties(dataDir, ports[0], ports[1]);
    props.putAll(overrides);
    KafkaRaftServer server = null;
    try {
      KafkaConfig config = new KafkaConfig(props, false);
      format(dataDir);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      awaitReady(bootstrap);
    } catch (RuntimeException | Error e) {
      if (server != null) {
        stopQuietly(server);
      }
      Support.deleteRecursively(dataDir);
      throw e;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    log.debug("Kafka ready at {} in {} ms", bootstrap, millis);
    return new LocalKafka(dataDir, Map.copyOf(props), server, bootstrap, millis);
  }

  private static Map<String, Object> brokerProperties(Path dataDir, int port, int controllerPort) {
    String host = Support.LOOPBACK;
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    // A static single-voter quorum: nothing to bootstrap or join.
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());

    // One node: every internal topic must make do with one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Internal topics default to 50 partitions each, which costs seconds on the first consumer
    // group or transaction; a local broker gains nothing from them.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");

    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // Time-based retention compares record timestamps, not arrival, with the broker's clock. A
    // replay of 2024 telemetry would be deleted by the first retention check (30 s after start),
    // silently, under a running consumer. A local broker lives as long as its run: keep it all.
    p.put("log.retention.ms", "-1");
    // The cleaner allocates its dedupe buffer on the heap (128 MB by default).
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    return p;
  }

  private static void format(Path dataDir) {
    String logDir = dataDir.resolve("logs").toString();
    try {
      new Formatter()
          .setPrintStream(
              new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(NODE_ID)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir)
          .addDirectory(logDir)
          // No explicit release version: the formatter then uses the latest production one.
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka log directory " + logDir, e);
    }
  }

  private static void awaitReady(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "20");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(props)) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        try {
          // A fenced broker is not listed, so a node here means it accepts requests.
          Collection<Node> nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
      }
      throw new IllegalStateException(
          "Kafka at " + bootstrap + " not ready within " + READY_TIMEOUT.toSeconds() + " s", last);
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Kafka shutdown after a failed start failed too", e);
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Wall time from {@link #start} until the broker answered, including formatting. */
  public long startMillis() {
    return startMillis;
  }

  /** The directory the broker owns. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether the broker is up: started and neither {@link #stop() stopped} nor closed. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Stops the broker, keeping its data directory, its topics and their records, so that {@link
   * #restart()} brings the same broker back. Clients see what they see of a broker that went down.
   * Does nothing if it is already stopped.
   */
  public synchronized void stop() {
    ensureOpen();
    if (server == null) {
      return;
    }
    KafkaRaftServer running = server;
    server = null;
    running.shutdown();
    running.awaitShutdown();
  }

  /**
   * Starts the {@link #stop() stopped} broker again on the same ports and data directory, without
   * formatting it, and returns once it answers an admin request.
   *
   * @throws IllegalStateException if it is running, closed, or cannot start (another process took
   *     one of its ports meanwhile, say: a restart does not move to other ports)
   */
  public synchronized void restart() {
    ensureOpen();
    if (server != null) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " is running");
    }
    KafkaRaftServer restarted =
        new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
    try {
      restarted.startup();
      awaitReady(bootstrapServers);
    } catch (RuntimeException | Error e) {
      stopQuietly(restarted);
      throw e;
    }
    server = restarted;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Kafka at " + bootstrapServers + " is closed");
    }
  }

  /** Stops the broker (if running) and deletes its data directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
        server = null;
      }
    } finally {
      Support.deleteRecursively(dataDir);
    }
  }
}
