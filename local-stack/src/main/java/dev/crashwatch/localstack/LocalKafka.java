package dev.crashwatch.localstack;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.access.AccessProvisioner;
import dev.crashwatch.access.ScramClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
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
 *
 * <p>{@link #startSecured} starts it the way a production cluster runs: a SASL_SSL client listener
 * (SCRAM-SHA-512 over TLS), a controller listener that needs the admin's password too (SASL/PLAIN
 * over TLS: the controller cannot look SCRAM credentials up before it has read its metadata),
 * KRaft's {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}, and the
 * {@value AccessPlan#ADMIN} principal as the only super user, whose SCRAM credential is written
 * into the metadata log when the directory is formatted (the broker's own inter-broker links log in
 * with it before any Admin API call could create it).
 */
public final class LocalKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);

  private static final int START_ATTEMPTS = 3;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String SECURED_LISTENER = "CLIENT";
  private static final int NODE_ID = 1;

  /** The broker setting {@link #compactionFor} sizes. */
  public static final String DEDUPE_BUFFER = "log.cleaner.dedupe.buffer.size";

  private static final long MIN_DEDUPE_BUFFER_BYTES = 4L << 20;
  private static final long MAX_DEDUPE_BUFFER_BYTES = 1L << 30;
  // Kafka's offset map: an MD5 of the key (16 bytes) and an offset (8) per key, filled to 90%.
  private static final int DEDUPE_BYTES_PER_KEY = 16 + 8;
  private static final double DEDUPE_LOAD_FACTOR = 0.9;

  private final Path dataDir;
  // Kept for restart(): the same listeners (client and controller port) and the same log dirs.
  private final Map<String, Object> properties;
  private final String bootstrapServers;
  // The admin's client properties on a secured broker (empty on a plaintext one).
  private final Map<String, String> adminSecurity;
  private final long startMillis;
  // A KafkaRaftServer cannot start again once shut down: restart() builds a new one.
  private KafkaRaftServer server;
  private boolean closed;

  private LocalKafka(
      Path dataDir,
      Map<String, Object> properties,
      KafkaRaftServer server,
      String bootstrapServers,
      Map<String, String> adminSecurity,
      long startMillis) {
    this.dataDir = dataDir;
    this.properties = properties;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.adminSecurity = adminSecurity;
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
    return start(dataDir, overrides, port, null);
  }

  /**
   * Starts a secured broker (see the class comment) on any free ports.
   *
   * @param certificates the server keystore the listeners present and the CA its own client links
   *     trust
   * @param adminPassword the super user's password
   */
  public static LocalKafka startSecured(
      Path dataDir,
      Map<String, String> overrides,
      LocalCertificates certificates,
      String adminPassword) {
    return start(dataDir, overrides, 0, new Security(certificates, adminPassword));
  }

  private record Security(LocalCertificates certificates, String adminPassword) {
    Map<String, String> adminClient() {
      return ScramClient.properties(
          AccessPlan.ADMIN, adminPassword, certificates.truststore(), certificates.storePassword());
    }
  }

  private static LocalKafka start(
      Path dataDir, Map<String, String> overrides, int port, Security security) {
    long t0 = System.nanoTime();
    RuntimeException lastBindFailure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOnce(dataDir, overrides, port, security, t0);
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
      Path dir, Map<String, String> overrides, int fixedPort, Security security, long t0) {
    Path dataDir = Support.freshDirectory(dir);
    int[] ports = Support.freeLoopbackPorts(2);
    if (fixedPort != 0) {
      ports[0] = fixedPort;
    }
    String bootstrap = Support.LOOPBACK + ":" + ports[0];
    Map<String, Object> props = brokerProperties(dataDir, ports[0], ports[1]);
    if (security != null) {
      secure(props, ports[0], ports[1], security);
    }
    props.putAll(overrides);
    Map<String, String> adminSecurity = security == null ? Map.of() : security.adminClient();
    KafkaRaftServer server = null;
    try {
      KafkaConfig config = new KafkaConfig(props, false);
      format(dataDir, security);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      awaitReady(bootstrap, adminSecurity);
    } catch (RuntimeException | Error e) {
      if (server != null) {
        stopQuietly(server);
      }
      Support.deleteRecursively(dataDir);
      throw e;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    log.debug("Kafka ready at {} in {} ms", bootstrap, millis);
    return new LocalKafka(dataDir, Map.copyOf(props), server, bootstrap, adminSecurity, millis);
  }

  /** Replaces the plaintext listeners with secured ones; see the class comment. */
  private static void secure(
      Map<String, Object> p, int port, int controllerPort, Security security) {
    String host = Support.LOOPBACK;
    String client = SECURED_LISTENER.toLowerCase(java.util.Locale.ROOT);
    String controller = CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT);
    String admin = AccessPlan.ADMIN;
    String password = security.adminPassword();
    LocalCertificates tls = security.certificates();
    p.put("listeners", listeners(SECURED_LISTENER, port, controllerPort));
    p.put("advertised.listeners", SECURED_LISTENER + "://" + host + ":" + port);
    p.put("inter.broker.listener.name", SECURED_LISTENER);
    p.put(
        "listener.security.protocol.map",
        SECURED_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_SSL");
    p.put("listener.name." + client + ".sasl.enabled.mechanisms", AccessProvisioner.MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", AccessProvisioner.MECHANISM);
    p.put(
        "listener.name." + client + ".scram-sha-512.sasl.jaas.config",
        ScramClient.jaasConfig(admin, password));
    p.put("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put(
        "listener.name." + controller + ".plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + admin
            + "\" password=\""
            + password
            + "\" user_"
            + admin
            + "=\""
            + password
            + "\";");
    p.put("ssl.keystore.location", tls.keystore().toString());
    p.put("ssl.keystore.password", tls.storePassword());
    p.put("ssl.key.password", tls.storePassword());
    p.put("ssl.keystore.type", LocalCertificates.STORE_TYPE);
    p.put("ssl.truststore.location", tls.truststore().toString());
    p.put("ssl.truststore.password", tls.storePassword());
    p.put("ssl.truststore.type", LocalCertificates.STORE_TYPE);
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", "User:" + admin);
  }

  private static Map<String, Object> brokerProperties(Path dataDir, int port, int controllerPort) {
    String host = Support.LOOPBACK;
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    // A static single-voter quorum: nothing to bootstrap or join.
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("listeners", listeners("PLAINTEXT", port, controllerPort));
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
    // The cleaner allocates its dedupe buffer on the heap (128 MB by default): small here, where
    // compacted topics are small; a large run sizes it with compactionFor.
    p.put(DEDUPE_BUFFER, String.valueOf(MIN_DEDUPE_BUFFER_BYTES));
    return p;
  }

  /**
   * Broker overrides for compacted topics (state store changelogs) with up to {@code
   * keysPerPartition} distinct keys in one partition: a cleaner dedupe buffer that holds them all.
   * The cleaner maps the keys of a log's dirty part into that buffer and then rewrites the whole
   * log, its clean part too; a buffer that holds fewer keys than a partition has cleans the dirty
   * part a slice per pass, each pass rewriting the whole log again. At 2,000,000 devices over 3
   * partitions the 4 MiB default (about 157,000 keys) made the cleaner the busiest thread of the
   * broker, beside the processor on the same two cores.
   */
  public static Map<String, String> compactionFor(long keysPerPartition) {
    if (keysPerPartition < 0) {
      throw new IllegalArgumentException("keysPerPartition must be >= 0, got " + keysPerPartition);
    }
    long bytes = (long) Math.ceil(keysPerPartition / DEDUPE_LOAD_FACTOR) * DEDUPE_BYTES_PER_KEY;
    bytes = Math.max(MIN_DEDUPE_BUFFER_BYTES, Math.min(MAX_DEDUPE_BUFFER_BYTES, bytes));
    return Map.of(DEDUPE_BUFFER, String.valueOf(bytes));
  }

  /** The client listener on {@code port} and the controller's on {@code controllerPort}. */
  private static String listeners(String clientListener, int port, int controllerPort) {
    String host = Support.LOOPBACK;
    return clientListener
        + "://"
        + host
        + ":"
        + port
        + ","
        + CONTROLLER_LISTENER
        + "://"
        + host
        + ":"
        + controllerPort;
  }

  private static void format(Path dataDir, Security security) {
    String logDir = dataDir.resolve("logs").toString();
    try {
      Formatter formatter = new Formatter();
      if (security != null) {
        // kafka-storage format --add-scram: the super user exists before the broker starts.
        formatter.setScramArguments(
            List.of(
                AccessProvisioner.MECHANISM
                    + "=[name="
                    + AccessPlan.ADMIN
                    + ",password="
                    + security.adminPassword()
                    + "]"));
      }
      formatter
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
      // Not e itself: a formatter message may quote its arguments, the admin password among them.
      throw new IllegalStateException(
          "cannot format Kafka log directory " + logDir + ": " + e.getClass().getName());
    }
  }

  private static void awaitReady(String bootstrap, Map<String, String> security) {
    Properties props = new Properties();
    props.putAll(security);
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

  /**
   * The client properties the super user connects with ({@code security.protocol}, SASL and TLS
   * settings); empty on a plaintext broker. They contain the admin password: never log them.
   */
  public Map<String, String> adminClientProperties() {
    return adminSecurity;
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
      awaitReady(bootstrapServers, adminSecurity);
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
