package dev.crashwatch.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP: Prometheus text, health answers and their status codes. */
class MetricsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsAndHealth() throws Exception {
    PrometheusMeterRegistry registry = MeterRegistries.prometheus("test");
    registry.counter("crashwatch.things", "kind", "a").increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (MetricsServer server =
        MetricsServer.start(
            0,
            registry,
            HealthCheck.ALWAYS_UP,
            () -> ready.get() ? Health.up("caught up") : Health.down("40 records behind"))) {
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("crashwatch_things_total{application=\"test\",kind=\"a\"} 3.0")
          .contains("jvm_memory_used_bytes");

      assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(server, "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("DOWN: 40 records behind\n");
      ready.set(true);
      assertThat(get(server, "/health/ready").body()).isEqualTo("UP: caught up\n");
    }
  }

  @Test
  void aCheckThatThrowsIsDownWithItsMessage() throws Exception {
    try (MetricsServer server =
        MetricsServer.start(
            0,
            MeterRegistries.prometheus("test"),
            () -> {
              throw new IllegalStateException("broker unreachable");
            },
            HealthCheck.ALWAYS_UP)) {
      HttpResponse<String> live = get(server, "/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      assertThat(live.body()).contains("broker unreachable");
    }
  }
}
