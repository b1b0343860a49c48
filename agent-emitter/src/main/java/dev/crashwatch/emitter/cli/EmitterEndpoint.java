package dev.crashwatch.emitter.cli;

import dev.crashwatch.emitter.SpoolingEmitter;
import dev.crashwatch.observability.Health;
import dev.crashwatch.observability.HealthCheck;
import dev.crashwatch.observability.MeterRegistries;
import dev.crashwatch.observability.MetricsServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The emitter daemon's metrics and health endpoint: its producer's Kafka metrics, the events it
 * accepted and delivered, and its spool's backlog.
 *
 * <p>Live while the process answers. Ready when nothing waits in the spool, or when the broker
 * acknowledged an event within {@link #STALL}: an emitter whose spool only grows is not delivering.
 */
final class EmitterEndpoint implements AutoCloseable {

  static final Duration STALL = Duration.ofMinutes(1);

  private final MetricsServer server;
  private final KafkaClientMetrics producerMetrics;
  private long lastDelivered = -1;
  private long lastProgressNanos = System.nanoTime();

  EmitterEndpoint(int port, SpoolingEmitter emitter) {
    PrometheusMeterRegistry meters = MeterRegistries.prometheus("crashwatch-emitter");
    FunctionCounter.builder("crashwatch.emitter.events.accepted", emitter, e -> e.accepted())
        .description("Events accepted into the durable spool")
        .register(meters);
    FunctionCounter.builder("crashwatch.emitter.events.delivered", emitter, e -> e.delivered())
        .description("Events acknowledged by the broker (a re-sent batch counts again)")
        .register(meters);
    FunctionCounter.builder("crashwatch.emitter.events.quarantined", emitter, e -> e.quarantined())
        .description("Spooled events that cannot be decoded, moved aside and never sent")
        .register(meters);
    Gauge.builder("crashwatch.emitter.spool.pending", emitter, e -> e.pending())
        .description("Events in the spool not yet acknowledged by the broker")
        .register(meters);
    this.producerMetrics = new KafkaClientMetrics(emitter.producer());
    producerMetrics.bindTo(meters);
    HealthCheck ready = () -> ready(emitter);
    this.server = MetricsServer.start(port, meters, HealthCheck.ALWAYS_UP, ready);
  }

  private synchronized Health ready(SpoolingEmitter emitter) {
    long delivered = emitter.delivered();
    long pending = emitter.pending();
    if (delivered != lastDelivered) {
      lastDelivered = delivered;
      lastProgressNanos = System.nanoTime();
    }
    String detail = String.format("%,d delivered, %,d pending in the spool", delivered, pending);
    boolean stalled = System.nanoTime() - lastProgressNanos > STALL.toNanos();
    return pending == 0 || !stalled
        ? Health.up(detail)
        : Health.down(detail + ", nothing acknowledged for over " + STALL.toSeconds() + " s");
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    producerMetrics.close();
  }
}
