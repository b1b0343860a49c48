package dev.crashwatch.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One Kafka operation tried as one principal, and what the broker did: each probe opens its own
 * client with the principal's settings and reports {@link Outcome#ALLOWED} or {@link
 * Outcome#REFUSED}. Refused means an authorization or authentication error, or, for a client that
 * cannot log in at all, no answer within the probe's bound; anything else is a test failure.
 */
final class AccessProbe {

  enum Outcome {
    ALLOWED,
    REFUSED;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Duration bound;
  private final String bootstrapServers;
  private final Map<String, String> security;
  private final boolean canAuthenticate;

  /**
   * @param security the principal's client properties
   * @param canAuthenticate false for clients with no login: their refusal may be a timeout
   */
  AccessProbe(String bootstrapServers, Map<String, String> security, boolean canAuthenticate) {
    this.bootstrapServers = bootstrapServers;
    this.security = security;
    this.canAuthenticate = canAuthenticate;
    // How long an operation may take. A client that cannot log in never gets an answer: its
    // operations are refused when this runs out, so keep it short.
    this.bound = canAuthenticate ? Duration.ofSeconds(8) : Duration.ofSeconds(2);
  }

  Outcome write(String topic) {
    return attempt(
        () -> {
          try (KafkaProducer<String, String> producer =
              new KafkaProducer<>(
                  producerConfig(Optional.empty()),
                  new StringSerializer(),
                  new StringSerializer())) {
            producer
                .send(new ProducerRecord<>(topic, "matrix", "probe"))
                .get(bound.toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Reads the first record of partition 0, without a consumer group (the topic ACL alone). */
  Outcome read(String topic) {
    return attempt(
        () -> {
          Map<String, Object> config = consumerConfig();
          try (KafkaConsumer<String, String> consumer =
              new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline) {
              if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                return;
              }
            }
            throw new TimeoutException("no record of " + topic + " within " + bound);
          }
        });
  }

  /** Joins consumer group {@code group} on {@code topic} until it is assigned a partition. */
  Outcome joinGroup(String group, String topic) {
    return attempt(
        () -> {
          Map<String, Object> config = consumerConfig();
          config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
          config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
          try (KafkaConsumer<String, String> consumer =
              new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + bound.toNanos() * 2;
            while (consumer.assignment().isEmpty()) {
              if (System.nanoTime() > deadline) {
                throw new TimeoutException("not assigned in group " + group);
              }
              consumer.poll(Duration.ofMillis(200));
            }
          }
        });
  }

  /** Starts a transaction with {@code transactionalId}, as a producer of that id would. */
  Outcome useTransactionalId(String transactionalId) {
    return attempt(
        () -> {
          try (KafkaProducer<String, String> producer =
              new KafkaProducer<>(
                  producerConfig(Optional.of(transactionalId)),
                  new StringSerializer(),
                  new StringSerializer())) {
            producer.initTransactions();
          }
        });
  }

  Outcome createTopic(String name) {
    return attempt(
        () -> {
          try (Admin admin = Admin.create(adminConfig())) {
            admin
                .createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                .all()
                .get(bound.toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private interface Operation {
    void run() throws Exception;
  }

  private Outcome attempt(Operation operation) {
    try {
      operation.run();
      return Outcome.ALLOWED;
    } catch (ExecutionException e) {
      return classify(e.getCause());
    } catch (KafkaException | java.util.concurrent.TimeoutException e) {
      return classify(e);
    } catch (Exception e) {
      throw new AssertionError("unexpected failure", e);
    }
  }

  private Outcome classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthorizationException || c instanceof AuthenticationException) {
        return Outcome.REFUSED;
      }
      if (!canAuthenticate
          && (c instanceof TimeoutException
              || c instanceof java.util.concurrent.TimeoutException)) {
        return Outcome.REFUSED;
      }
    }
    throw new AssertionError("neither allowed nor refused: " + t, t);
  }

  private Map<String, Object> base() {
    Map<String, Object> config = new HashMap<>(security);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  private Map<String, Object> producerConfig(Optional<String> transactionalId) {
    Map<String, Object> config = base();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) bound.toMillis());
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    transactionalId.ifPresent(id -> config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    return config;
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> config = base();
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "matrix-" + UUID.randomUUID());
    return config;
  }

  private Map<String, Object> adminConfig() {
    Map<String, Object> config = base();
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) bound.toMillis());
    return config;
  }
}
