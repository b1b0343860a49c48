package dev.crashwatch.localstack;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.access.AccessProvisioner;
import dev.crashwatch.access.ClientConfigFile;
import dev.crashwatch.access.ScramClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>A secured stack ({@link #startSecured}, {@link #sharedSecured}) runs the broker with TLS,
 * SCRAM-SHA-512 and ACLs (see {@link LocalKafka#startSecured}) and the registry over HTTPS, with
 * certificates generated at start, and provisions every principal of an {@link AccessPlan}: a
 * random password each, its ACLs, and a client settings file (0600) under {@code clients/}.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

  private static final Object SHARED_LOCK = new Object();
  private static LocalStack shared;
  private static RuntimeException sharedFailure;
  private static LocalStack sharedSecured;
  private static RuntimeException sharedSecuredFailure;

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
  private final Secured secured;
  private final Thread shutdownHook;
  private final List<Path> scratchDirs = new ArrayList<>();
  private Admin admin;
  private boolean closed;

  /**
   * What a secured stack adds: its certificates, the plan it applied, and the passwords of the
   * principals it created (kept in memory for the client files and tests; never printed).
   */
  private record Secured(
      LocalCertificates certificates,
      AccessPlan plan,
      Path clientsDir,
      Map<String, String> passwords) {}

  private LocalStack(
      Path dataDir,
      LocalKafka kafka,
      LocalSchemaRegistry registry,
      ContainerStack containers,
      boolean isShared,
      Secured secured) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.registry = registry;
    this.containers = containers;
    this.isShared = isShared;
    this.secured = secured;
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

  /**
   * Starts a secured broker and registry under {@code dataDir} and provisions every fixed principal
   * of {@code plan} (see the class comment).
   */
  public static LocalStack startSecured(Path dataDir, AccessPlan plan) {
    return start(dataDir, Map.of(), false, plan);
  }

  private static LocalStack start(
      Path dataDir, Map<String, String> brokerOverrides, boolean isShared) {
    return start(dataDir, brokerOverrides, isShared, null);
  }

  private static LocalStack start(
      Path dataDir, Map<String, String> brokerOverrides, boolean isShared, AccessPlan plan) {
    // Fail before starting anything if the registry cannot be started at all.
    ApicurioDistribution.runnerJar();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    LocalCertificates tls =
        plan == null ? null : LocalCertificates.generate(dir.resolve("certificates"));
    String adminPassword = plan == null ? null : Secrets.randomPassword();
    // The registry JVM is the slower of the two; it boots while the broker starts here.
    CompletableFuture<LocalSchemaRegistry> registryFuture =
        CompletableFuture.supplyAsync(
            () ->
                tls == null
                    ? LocalSchemaRegistry.start(dir.resolve("registry"))
                    : LocalSchemaRegistry.startTls(dir.resolve("registry"), 0, tls),
            task -> {
              Thread t = new Thread(task, "local-stack-registry-start");
              t.setDaemon(true);
              t.start();
            });
    LocalKafka kafka;
    try {
      kafka =
          tls == null
              ? LocalKafka.start(dir.resolve("kafka"), brokerOverrides)
              : LocalKafka.startSecured(dir.resolve("kafka"), brokerOverrides, tls, adminPassword);
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
    Secured secured = null;
    if (plan != null) {
      Map<String, String> passwords = new LinkedHashMap<>();
      passwords.put(AccessPlan.ADMIN, adminPassword);
      secured = new Secured(tls, plan, dir.resolve("clients"), passwords);
    }
    LocalStack stack = new LocalStack(dir, kafka, registry, null, isShared, secured);
    // Also covers a demo stopped by Ctrl-C before it could close the stack.
    Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
    if (secured != null) {
      try {
        stack.provisionFixedPrincipals();
      } catch (RuntimeException | Error e) {
        stack.closeNow();
        throw e;
      }
    }
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
                ? new LocalStack(dir, null, null, ContainerStack.start(), true, null)
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

  /**
   * The secured stack shared by every test in this JVM, separate from {@link #shared()}: started on
   * first use with {@code plan}, under {@code target/local-stack-secured-<random>}.
   *
   * @throws IllegalArgumentException if it was started with another plan
   * @throws IllegalStateException if it failed to start
   */
  public static LocalStack sharedSecured(AccessPlan plan) {
    synchronized (SHARED_LOCK) {
      if (sharedSecured != null) {
        if (!sharedSecured.secured.plan().equals(plan)) {
          throw new IllegalArgumentException(
              "the shared secured stack runs " + sharedSecured.secured.plan() + ", not " + plan);
        }
        return sharedSecured;
      }
      if (sharedSecuredFailure != null) {
        throw new IllegalStateException(
            "the shared secured local stack failed to start earlier in this JVM",
            sharedSecuredFailure);
      }
      Path dir =
          Path.of("target", "local-stack-secured-" + UUID.randomUUID().toString().substring(0, 8))
              .toAbsolutePath();
      try {
        sharedSecured = start(dir, Map.of(), true, plan);
        return sharedSecured;
      } catch (RuntimeException e) {
        sharedSecuredFailure = e;
        throw e;
      }
    }
  }

  private void provisionFixedPrincipals() {
    AccessProvisioner provisioner = new AccessProvisioner(admin());
    for (String principal : AccessPlan.FIXED_PRINCIPALS) {
      if (!principal.equals(AccessPlan.ADMIN)) {
        String password = Secrets.randomPassword();
        provisioner.upsertCredential(principal, password);
        secured.passwords().put(principal, password);
      }
    }
    provisioner.grant(secured.plan().fixedBindings());
    for (String principal : AccessPlan.FIXED_PRINCIPALS) {
      writeClientConfig(principal);
    }
  }

  /**
   * Adds a vendor to the secured stack as {@code crashwatch vendors add} would: its feed, its
   * principal (a random password) and ACLs, and its client settings file.
   *
   * @return the vendor's principal name
   */
  public synchronized String addVendor(String vendor) {
    return addVendor(requireSecured().plan(), vendor);
  }

  /**
   * Adds a vendor as {@link #addVendor(String)} does, with the feed and ACLs of {@code plan} (see
   * {@link #grant}); a vendor added twice keeps its password.
   */
  public synchronized String addVendor(AccessPlan plan, String vendor) {
    Secured s = requireSecured();
    String principal = AccessPlan.vendorPrincipal(vendor);
    String password = s.passwords().computeIfAbsent(principal, p -> Secrets.randomPassword());
    new AccessProvisioner(admin()).addVendor(plan, vendor, password);
    writeClientConfig(principal);
    return principal;
  }

  /**
   * Grants the fixed principals the ACLs of another plan as well: tests that need topics of their
   * own (unique names per test) on the shared secured stack, with the same rules.
   */
  public void grant(AccessPlan plan) {
    requireSecured();
    new AccessProvisioner(admin()).grant(plan.fixedBindings());
  }

  private void writeClientConfig(String principal) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", bootstrapServers());
    settings.put("schema.registry.url", schemaRegistryUrl());
    settings.put(
        "schema.registry.ssl.truststore.location", secured.certificates().truststore().toString());
    settings.put("schema.registry.ssl.truststore.password", secured.certificates().storePassword());
    settings.put("schema.registry.ssl.truststore.type", LocalCertificates.STORE_TYPE);
    // Emitters and the processor only look schema ids up: registering is the ops step.
    if (principal.equals(AccessPlan.EMITTER) || principal.equals(AccessPlan.PROCESSOR)) {
      settings.put("schema.registry.auto.register", "false");
    }
    settings.putAll(ClientConfigFile.kafkaKeys(kafkaClientProperties(principal)));
    ClientConfigFile.write(clientConfigFile(principal), principal, settings);
  }

  /** Whether this stack runs with TLS, SASL and ACLs. */
  public boolean isSecured() {
    return secured != null;
  }

  /** The plan a secured stack applied. */
  public Optional<AccessPlan> accessPlan() {
    return Optional.ofNullable(secured).map(Secured::plan);
  }

  /** The generated TLS material of a secured stack. */
  public Optional<LocalCertificates> certificates() {
    return Optional.ofNullable(secured).map(Secured::certificates);
  }

  /**
   * The Kafka client properties (security protocol, SASL login, truststore) of one of this secured
   * stack's principals; they contain its password, so never log them.
   *
   * @throws IllegalArgumentException for a principal the stack did not create
   */
  public Map<String, String> kafkaClientProperties(String principal) {
    Secured s = requireSecured();
    String password = s.passwords().get(principal);
    if (password == null) {
      throw new IllegalArgumentException("no principal " + principal + " on this stack");
    }
    return ScramClient.properties(
        principal, password, s.certificates().truststore(), s.certificates().storePassword());
  }

  /**
   * The secret values of this stack (passwords of principals and stores), for tests that check none
   * of them reaches a log.
   */
  public List<String> secrets() {
    Secured s = requireSecured();
    List<String> out = new ArrayList<>(s.passwords().values());
    out.add(s.certificates().storePassword());
    return out;
  }

  /** The client settings file of a principal ({@code clients/<principal>.properties}, 0600). */
  public Path clientConfigFile(String principal) {
    return requireSecured().clientsDir().resolve(principal + ".properties");
  }

  private Secured requireSecured() {
    if (secured == null) {
      throw new IllegalStateException("this local stack is not secured");
    }
    return secured;
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return containers != null ? containers.bootstrapServers() : kafka.bootstrapServers();
  }

  /**
   * The Confluent-compatible registry URL, {@code http://127.0.0.1:<port>/apis/ccompat/v7} ({@code
   * https} on a secured stack).
   */
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
      props.putAll(adminClientConfig());
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-admin");
      admin = Admin.create(props);
    }
    return admin;
  }

  /**
   * What an admin client of this stack needs: the bootstrap servers and, when secured, the admin
   * principal's TLS and SASL settings (password included: keep it out of logs).
   */
  public Map<String, Object> adminClientConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (kafka != null) {
      config.putAll(kafka.adminClientProperties());
    }
    return config;
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
        if (secured != null) {
          // Keys and passwords do not outlive the stack they belong to.
          Support.deleteRecursively(secured.clientsDir());
          Support.deleteRecursively(dataDir.resolve("certificates"));
        }
        Support.deleteIfEmpty(dataDir);
      }
    }
  }
}
