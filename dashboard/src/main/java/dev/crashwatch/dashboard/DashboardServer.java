package dev.crashwatch.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The dashboard's HTTP side: the page (static files, Chart.js from its WebJar), a JSON API over the
 * {@link DashboardView}, and server-sent events that tell the page what changed.
 *
 * <ul>
 *   <li>{@code GET /api/overview}: an {@link Overview};
 *   <li>{@code GET /api/version?key=component@version}: a {@link VersionDetail};
 *   <li>{@code GET /health/live} (200 while the server answers) and {@code GET /health/ready} (200
 *       once the reader reads every output topic, 503 before or after it stopped), for
 *       orchestrators;
 *   <li>{@code GET /events}: {@code signal} (an {@link ActiveSignal}: the new signal with its
 *       version's vendor and history, sent at once), {@code health} (the keys with new snapshots),
 *       {@code deadletters} (the counts) and {@code alerts} (the alerts that report no signal),
 *       these three gathered over {@link #PUSH_INTERVAL_MS}, because a replay can publish thousands
 *       of snapshots a second.
 * </ul>
 *
 * All pushes go through one thread, so that events to one client never interleave.
 */
public final class DashboardServer implements ViewListener, AutoCloseable {

  static final long PUSH_INTERVAL_MS = 500;
  private static final long KEEP_ALIVE_SECONDS = 15;

  private final DashboardView view;
  private final Supplier<List<String>> topicsFound;
  private final BooleanSupplier ready;
  private final ObjectMapper json = new ObjectMapper();
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final Set<String> pendingHealth = new TreeSet<>();
  private boolean pendingDeadLetters;
  private boolean pendingAlerts;
  private final ScheduledExecutorService pusher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dashboard-push");
            t.setDaemon(true);
            return t;
          });
  private final Javalin app;

  /**
   * @param topicsFound the output topics the reader has found, shown on the page
   * @param ready whether the reader reads every output topic
   */
  public DashboardServer(
      DashboardView view, Supplier<List<String>> topicsFound, BooleanSupplier ready) {
    this.view = view;
    this.topicsFound = topicsFound;
    this.ready = ready;
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(json, false));
              config.staticFiles.add(
                  files -> {
                    files.hostedPath = "/";
                    files.directory = "/dashboard";
                    files.location = Location.CLASSPATH;
                  });
              config.staticFiles.enableWebjars();
            });
    app.get("/api/overview", ctx -> ctx.json(overview()));
    app.get("/health/live", ctx -> ctx.result("live"));
    app.get(
        "/health/ready",
        ctx -> {
          if (this.ready.getAsBoolean()) {
            ctx.result("ready");
          } else {
            ctx.status(503).result("not ready: reading " + topicsFound.get());
          }
        });
    app.get(
        "/api/version",
        ctx -> {
          String key = ctx.queryParam("key");
          if (key == null || key.isBlank()) {
            ctx.status(400).result("query parameter 'key' (component@version) is required");
            return;
          }
          ctx.json(view.detail(key));
        });
    app.sse(
        "/events",
        client -> {
          client.keepAlive();
          client.onClose(() -> clients.remove(client));
          clients.add(client);
          client.sendComment("connected");
        });
    pusher.scheduleWithFixedDelay(
        this::pushPending, PUSH_INTERVAL_MS, PUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    pusher.scheduleWithFixedDelay(
        () -> clients.forEach(c -> c.sendComment("keep-alive")),
        KEEP_ALIVE_SECONDS,
        KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS);
    view.setListener(this);
  }

  Overview overview() {
    return new Overview(
        view.activeSignals(),
        view.signalLog(),
        view.otherAlerts(),
        view.versions(),
        view.deadLetters(),
        view.unreadable(),
        topicsFound.get());
  }

  /**
   * Serves {@code registry} at {@code GET /metrics} in Prometheus text format, with the number of
   * connected pages ({@code crashwatch_dashboard_event_streams}); call before {@link #start}.
   */
  public DashboardServer serveMetrics(PrometheusMeterRegistry registry) {
    registry.gauge("crashwatch.dashboard.event.streams", clients, Set::size);
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    return this;
  }

  /** Starts listening on {@code host}:{@code port} (0 picks a free port). */
  public DashboardServer start(String host, int port) {
    app.start(host, port);
    return this;
  }

  /** The port listened on. */
  public int port() {
    return app.port();
  }

  @Override
  public void signalAdded(SignalEntry signal) {
    String data =
        toJson(new ActiveSignal(signal, view.vendorOf(signal.key()), view.historyOf(signal.key())));
    pusher.execute(() -> clients.forEach(c -> c.sendEvent("signal", data)));
  }

  @Override
  public void healthUpdated(Set<String> keys) {
    synchronized (pendingHealth) {
      pendingHealth.addAll(keys);
    }
  }

  @Override
  public void deadLettersUpdated() {
    synchronized (pendingHealth) {
      pendingDeadLetters = true;
    }
  }

  @Override
  public void alertsUpdated() {
    synchronized (pendingHealth) {
      pendingAlerts = true;
    }
  }

  private void pushPending() {
    List<String> keys;
    boolean letters;
    boolean alerts;
    synchronized (pendingHealth) {
      keys = List.copyOf(pendingHealth);
      letters = pendingDeadLetters;
      alerts = pendingAlerts;
      pendingHealth.clear();
      pendingDeadLetters = false;
      pendingAlerts = false;
    }
    if (alerts) {
      String data = toJson(view.otherAlerts());
      clients.forEach(c -> c.sendEvent("alerts", data));
    }
    if (!keys.isEmpty()) {
      String data = toJson(keys);
      clients.forEach(c -> c.sendEvent("health", data));
    }
    if (letters) {
      String data = toJson(view.deadLetters());
      clients.forEach(c -> c.sendEvent("deadletters", data));
    }
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  @Override
  public void close() {
    view.setListener(null);
    pusher.shutdownNow();
    clients.forEach(SseClient::close);
    app.stop();
  }
}
