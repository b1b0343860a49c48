package dev.crashwatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker and a schema registry, both real and bound to 127.0.0.1: the fixture of the
 * integration tests and the embedded default of {@code crashwatch demo}.
 *
 * <p>Tests use {@link #shared()}, one instance per JVM; the demo uses {@link #start(Path)}.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

  private static final Object SHARED_LOCK = new Object();
  private static LocalStack shared;
  private static RuntimeException sharedFailure;

  /**
   * System property (or environment variable {@code CRASHWATCH_STACK}) choosing what {@link
   * #shared()} starts: {@code embedded} (default: the in-process broker and the registry child
   * process) or {@code containers} (Testcontainers, where a Docker engine runs).
   */
  public static final String STACK_PROPERTY = "crashwatch.stack";

  private final Path dataDir;
  private final LocalKafka kafka;
  private final LocalSchemaRegistry registry;

  /** The container stack, when {@link #shared()} runs on Testcontainers; else null. */
  private final ContainerStack containers;

  private final boolean isShared;
  private final Thread shutdownHook;
  private final List<Path> scratchDirs = new ArrayList<>();
  private Admin admin;
  private boolean closed;

  private LocalStack(
      Path dataDir, LocalKafka kafka, LocalSchemaRegistry registry, boolean isShared) {
    this(dataDir, kafka, registry, null, isShared);
  }

  private LocalStack(
      Path dataDir,
      LocalKafka kafka,
      LocalSchemaRegistry registry,
      ContainerStack containers,
      boolean isShared) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.registry = registry;
    this.containers = containers;
    this.isShared = isShared;
    this.shutdownHook = new Thread(this::closeNow, "local-stack-shutdown");
  }

  /**
   * Starts a broker and a registry with their files under {@code dataDir} (subdirectories {@code
   * kafka/} and {@code registry/}). A JVM shutdown hook closes the stack if {@link #close()} was
   * not called.
   */
  public static LocalStack start(Path dataDir) {
    return start(dataDir, Map.of(), false);
  }

  /**
   * Like {@link #start(Path)}, with broker properties applied over the defaults (for example {@code
   * num.partitions}).
   */
  public static LocalStack start(Path dataDir, Map<String, String> brokerOverrides) {
    return start(dataDir, brokerOverrides, false);
  }

  private static LocalStack start(
      Path dataDir, Map<String, String> brokerOverrides, boolean isShared) {
    // Fail before starting anything if the registry cannot be started at all.
    ApicurioDistribution.runnerJar();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    // The registry JVM is the slower of the two; it boots while the broker starts here.
    CompletableFuture<LocalSchemaRegistry> registryFuture =
        CompletableFuture.supplyAsync(
            () -> LocalSchemaRegistry.start(dir.resolve("registry")),
            task -> {
              Thread t = new Thread(task, "local-stack-registry-start");
              t.setDaemon(true);
              t.start();
            });
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(dir.resolve("kafka"), brokerOverrides);
    } catch (RuntimeException | Error e) {
      registryFuture.thenAccept(LocalSchemaRegistry::close);
      awaitQuietly(registryFuture);
      Support.deleteIfEmpty(dir);
      throw e;
    }
    LocalSchemaRegistry registry;
    try {
      registry = registryFuture.join();
    } catch (CompletionException e) {
      kafka.close();
      Support.deleteIfEmpty(dir);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
    LocalStack stack = new LocalStack(dir, kafka, registry, isShared);
    // Also covers a demo stopped by Ctrl-C before it could close the stack.
    Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
    log.info(
        "Local stack ready: Kafka {} (started in {} ms), schema registry {} (started in {} ms),"
            + " data in {}",
        stack.bootstrapServers(),
        stack.kafkaStartMillis(),
        stack.schemaRegistryUrl(),
        stack.registryStartMillis(),
        dir);
    return stack;
  }

  private static void awaitQuietly(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException ignored) {
      // the start failed anyway; the broker's failure is the one reported
    }
  }

  /**
   * The stack shared by every test in this JVM, started on first use under {@code
   * target/local-stack-<random>} of the working directory and stopped by a shutdown hook. Calling
   * {@link #close()} on it does nothing, so a test cannot stop it under the others' feet.
   *
   * @throws IllegalStateException if it failed to start (then every later call fails the same way
   *     instead of waiting again)
   */
  public static LocalStack shared() {
    synchronized (SHARED_LOCK) {
      if (shared != null) {
        return shared;
      }
      if (sharedFailure != null) {
        throw new IllegalStateException(
            "the shared local stack failed to start earlier in this JVM", sharedFailure);
      }
      Path dir =
          Path.of("target", "local-stack-" + UUID.randomUUID().toString().substring(0, 8))
              .toAbsolutePath();
      try {
        LocalStack stack =
            ContainerStack.selected()
                ? new LocalStack(dir, null, null, ContainerStack.start(), true)
                : start(dir, Map.of(), true);
        if (stack.containers != null) {
          Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        }
        shared = stack;
        return stack;
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return containers != null ? containers.bootstrapServers() : kafka.bootstrapServers();
  }

  /** The Confluent-compatible registry URL, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
  public String schemaRegistryUrl() {
    return containers != null ? containers.schemaRegistryUrl() : registry.url();
  }

  /** Broker cold-start time: formatting until the first admin request succeeded. */
  public long kafkaStartMillis() {
    return containers != null ? containers.kafkaStartMillis() : kafka.startMillis();
  }

  /** Registry cold-start time: process launch until its API answered. */
  public long registryStartMillis() {
    return containers != null ? containers.registryStartMillis() : registry.startMillis();
  }

  /** The broker. */
  public LocalKafka kafka() {
    ContainerStack.refuseOn(containers, "the in-process broker");
    return kafka;
  }

  /** The schema registry. */
  public LocalSchemaRegistry schemaRegistry() {
    ContainerStack.refuseOn(containers, "the registry child process");
    return registry;
  }

  /** The directory holding the broker's and the registry's files. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * A fresh directory under {@link #dataDir()} for a client of this stack, such as the state stores
   * of a Kafka Streams application: emptied now (state left by an earlier run belongs to a broker
   * that no longer exists) and deleted by {@link #close()}.
   */
  public synchronized Path scratchDir(String name) {
    Path dir = dataDir.resolve(name);
    Support.deleteRecursively(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    scratchDirs.add(dir);
    return dir;
  }

  /**
   * Creates topics with replication factor 1 and returns once every partition has a leader. Topics
   * that already exist are left as they are, so calling this twice is harmless.
   */
  public void createTopics(int partitions, String... names) {
    if (names.length == 0) {
      return;
    }
    List<String> topics = Arrays.asList(names);
    Admin admin = admin();
    var result =
        admin.createTopics(
            topics.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList());
    for (String name : topics) {
      try {
        result.values().get(name).get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name, e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out creating topic " + name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted creating topic " + name, e);
      }
    }
    awaitLeaders(admin, topics);
  }

  private static void awaitLeaders(Admin admin, List<String> topics) {
    long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
        boolean ready =
            descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for topics " + topics, e);
      }
      try {
        // Metadata of a just-created topic reaches the broker within milliseconds.
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for topics " + topics, e);
      }
    }
    throw new IllegalStateException(
        "topics "
            + String.join(", ", topics)
            + " have no leader after "
            + TOPIC_TIMEOUT.toSeconds()
            + " s",
        last);
  }

  private synchronized Admin admin() {
    if (closed) {
      throw new IllegalStateException("local stack is closed");
    }
    if (admin == null) {
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-admin");
      admin = Admin.create(props);
    }
    return admin;
  }

  /**
   * Stops the registry and the broker and deletes their files; {@link #dataDir()} itself goes too
   * if nothing else is in it. Does nothing on the {@link #shared()} instance, which stops at JVM
   * exit.
   */
  @Override
  public void close() {
    if (isShared) {
      log.debug("close() on the shared local stack ignored; it stops when the JVM exits");
      return;
    }
    closeNow();
  }

  private synchronized void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or has run; closing twice is a no-op
      }
    }
    try {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    } finally {
      try {
        if (containers != null) {
          containers.close();
          return;
        }
        // The registry stops (SIGTERM) while the broker shuts down here.
        CompletableFuture<Void> registryStop = CompletableFuture.runAsync(registry::close);
        try {
          kafka.close();
        } finally {
          registryStop.join();
        }
      } finally {
        scratchDirs.forEach(Support::deleteRecursively);
        Support.deleteIfEmpty(dataDir);
      }
    }
  }
}
