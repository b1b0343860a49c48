package dev.crashwatch.processor.metrics;

import dev.crashwatch.serde.Backoff;
import dev.crashwatch.serde.SerdeError;
import dev.crashwatch.serde.SerdeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the decoders do when the schema registry cannot answer a schema-cache miss: wait and ask
 * again, with backoff, for as long as it takes, instead of stopping the processor (unreachable) or
 * dead-lettering good records (401/403). A partition's records must be used in order, so the task
 * waits; records with cached schemas never reach the registry. While it waits, the outage is on the
 * readiness endpoint ({@link ProcessorHealth}) and in the log, loudly for a refused credential,
 * which waiting alone does not fix.
 *
 * <p>Shared by every decoder of an instance: the runner puts it into the Streams config under
 * {@link #CONFIG_KEY}; without it (TopologyTestDriver) a decoder gets its own. A waiting task holds
 * its transaction open; if the wait outlasts the transaction timeout, Kafka Streams aborts it and
 * processes the task again from its last commit (exactly-once: nothing is lost or doubled).
 */
public final class RegistryOutage {

  public static final String CONFIG_KEY = "crashwatch.registry.outage";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryOutage.class);

  /** Waits between attempts: 0.5 s doubling to 30 s, with jitter. */
  static final Backoff BACKOFF = new Backoff(500, 30_000);

  private final Clock clock;
  private volatile Problem problem;
  private volatile boolean stopping;

  /** Why the registry cannot be used, and since when. */
  public record Problem(SerdeError error, String message, Instant since) {}

  public RegistryOutage(Clock clock) {
    this.clock = clock;
  }

  /** The instance's outage tracker from the Streams config, or a private one. */
  public static RegistryOutage of(ProcessorContext<?, ?> context) {
    return context.appConfigs().get(CONFIG_KEY) instanceof RegistryOutage outage
        ? outage
        : new RegistryOutage(Clock.systemUTC());
  }

  /** Whether {@code e} is the registry's fault (wait), not the record's (dead-letter). */
  public static boolean isRegistryFault(SerdeException e) {
    return e.error() == SerdeError.REGISTRY_UNREACHABLE
        || e.error() == SerdeError.REGISTRY_UNAUTHORIZED;
  }

  /**
   * {@code decode}'s result, asked again with backoff while it fails for a registry fault; other
   * failures are thrown. Gives up (throws the last fault) only when the processor is stopping.
   */
  public <T> T await(Supplier<T> decode) {
    for (int attempt = 0; ; attempt++) {
      try {
        T value = decode.get();
        recovered();
        return value;
      } catch (SerdeException e) {
        if (!isRegistryFault(e) || stopping) {
          throw e;
        }
        failed(e);
        sleep(BACKOFF.delayMs(Math.min(attempt, 16)));
      }
    }
  }

  /** The current outage, if any. */
  public Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /** Lets waiting decoders give up: the processor is shutting down. */
  public void stopWaiting() {
    stopping = true;
  }

  private synchronized void failed(SerdeException e) {
    Problem was = problem;
    if (was == null || was.error() != e.error()) {
      problem = new Problem(e.error(), e.getMessage(), clock.instant());
      if (e.error() == SerdeError.REGISTRY_UNAUTHORIZED) {
        LOG.error(
            "the schema registry refuses the processor's credentials; processing waits until they"
                + " are fixed (schema.registry.basic.auth.user.info), no record is dead-lettered for it: {}",
            e.getMessage());
      } else {
        LOG.warn(
            "the schema registry is unreachable; processing waits and retries: {}", e.getMessage());
      }
    }
  }

  private void recovered() {
    Problem was = problem;
    if (was != null) {
      synchronized (this) {
        if (problem != null) {
          LOG.info(
              "the schema registry answers again after {} ({})",
              Duration.between(problem.since(), clock.instant()),
              problem.error());
          problem = null;
        }
      }
    }
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
