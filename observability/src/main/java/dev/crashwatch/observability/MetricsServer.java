package dev.crashwatch.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crashwatch.config.Setting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a Crashwatch process, on the JDK's own server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the registry in Prometheus' text format;
 *   <li>{@code GET /health/live}: 200 while the process works, 503 when it should be restarted;
 *   <li>{@code GET /health/ready}: 200 when it does its job now (for the processor: running and
 *       caught up), 503 otherwise.
 * </ul>
 *
 * Health answers are one line of plain text, {@code UP: detail} or {@code DOWN: detail}. Any
 * process can use it: {@code MetricsServer.start(port, MeterRegistries.prometheus("name"),
 * liveness, readiness)}.
 */
public final class MetricsServer implements AutoCloseable {

  /** The documented setting of the port, for processes configured through {@code Settings}. */
  public static final Setting PORT_SETTING =
      new Setting(
          "metrics.port",
          "",
          "Port of the Prometheus /metrics and /health/live, /health/ready endpoints (all"
              + " interfaces); empty means none.");

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} of every interface (0: a free port, see {@link #port()}).
   *
   * @throws UncheckedIOException naming the port when it cannot be bound
   */
  public static MetricsServer start(
      int port, PrometheusMeterRegistry registry, HealthCheck liveness, HealthCheck readiness) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
    server.createContext(
        "/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.createContext("/health/live", exchange -> health(exchange, liveness));
    server.createContext("/health/ready", exchange -> health(exchange, readiness));
    // One thread: scrapes and probes are rare, and a slow check must not pile up threads.
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "metrics-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    LOG.info("metrics and health on port {}", server.getAddress().getPort());
    return new MetricsServer(server, executor);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, HealthCheck check) throws IOException {
    Health health;
    try {
      health = check.check();
    } catch (Exception e) {
      health = Health.down(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    respond(
        exchange,
        health.up() ? 200 : 503,
        "text/plain; charset=utf-8",
        (health.up() ? "UP: " : "DOWN: ") + health.detail() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
