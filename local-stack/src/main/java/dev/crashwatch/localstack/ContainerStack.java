package dev.crashwatch.localstack;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The integration tests' broker and registry on Testcontainers, chosen with {@code
 * -Dcrashwatch.stack=containers} (or {@code CRASHWATCH_STACK=containers}): the {@code apache/kafka}
 * image at the clients' version and the Apicurio image at the version the embedded registry runs,
 * the same pins as {@code docker-compose.yml}. Without a Docker engine it refuses to start, with a
 * message, rather than falling back: a test run that asked for containers must not pass on
 * something else.
 *
 * <p>Testcontainers is an optional dependency of this module: the launcher does not ship it, and
 * this class is loaded only when containers are asked for.
 */
final class ContainerStack implements AutoCloseable {

  /** Same as docker-compose.yml's kafka service and the root pom's kafka.version. */
  static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

  /** Same as docker-compose.yml's schema-registry service and the root pom's apicurio.version. */
  static final String REGISTRY_IMAGE = "apicurio/apicurio-registry-mem:2.6.13.Final";

  private static final int REGISTRY_PORT = 8080;

  private final Network network;
  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;
  private final long kafkaStartMillis;
  private final long registryStartMillis;

  private ContainerStack(
      Network network,
      KafkaContainer kafka,
      GenericContainer<?> registry,
      long kafkaStartMillis,
      long registryStartMillis) {
    this.network = network;
    this.kafka = kafka;
    this.registry = registry;
    this.kafkaStartMillis = kafkaStartMillis;
    this.registryStartMillis = registryStartMillis;
  }

  /** Whether {@link LocalStack#STACK_PROPERTY} asks for containers (and is a known value). */
  static boolean selected() {
    String value =
        Optional.ofNullable(System.getProperty(LocalStack.STACK_PROPERTY))
            .or(() -> Optional.ofNullable(System.getenv("CRASHWATCH_STACK")))
            .orElse("embedded")
            .toLowerCase(Locale.ROOT);
    return switch (value) {
      case "embedded" -> false;
      case "containers" -> true;
      default ->
          throw new IllegalStateException(
              LocalStack.STACK_PROPERTY + ": expected embedded or containers, was '" + value + "'");
    };
  }

  @SuppressWarnings("resource") // closed in close()
  static ContainerStack start() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          LocalStack.STACK_PROPERTY
              + "=containers, but no Docker engine answers here; run without it for the"
              + " in-process broker and registry");
    }
    Network network = Network.newNetwork();
    long t0 = System.nanoTime();
    KafkaContainer kafka =
        new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
            .withNetwork(network)
            .withNetworkAliases("kafka");
    kafka.start();
    long t1 = System.nanoTime();
    GenericContainer<?> registry =
        new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
            .withNetwork(network)
            .withNetworkAliases("schema-registry")
            .withExposedPorts(REGISTRY_PORT)
            .waitingFor(
                Wait.forHttp("/apis/ccompat/v7/subjects")
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    try {
      registry.start();
    } catch (RuntimeException e) {
      kafka.stop();
      network.close();
      throw e;
    }
    long t2 = System.nanoTime();
    return new ContainerStack(
        network, kafka, registry, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
  }

  /** Fails with a message when a test needs a part the container stack does not have. */
  static void refuseOn(ContainerStack containers, String part) {
    if (containers != null) {
      throw new UnsupportedOperationException(
          "the shared stack runs on containers ("
              + LocalStack.STACK_PROPERTY
              + "=containers) and has no "
              + part
              + "; this test needs the embedded stack");
    }
  }

  String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  String schemaRegistryUrl() {
    return "http://"
        + registry.getHost()
        + ":"
        + registry.getMappedPort(REGISTRY_PORT)
        + "/apis/ccompat/v7";
  }

  long kafkaStartMillis() {
    return kafkaStartMillis;
  }

  long registryStartMillis() {
    return registryStartMillis;
  }

  @Override
  public void close() {
    try {
      registry.stop();
    } finally {
      try {
        kafka.stop();
      } finally {
        network.close();
      }
    }
  }
}
