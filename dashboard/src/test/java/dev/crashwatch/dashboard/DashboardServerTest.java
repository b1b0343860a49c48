package dev.crashwatch.dashboard;

import static dev.crashwatch.dashboard.Outputs.health;
import static dev.crashwatch.dashboard.Outputs.signal;
import static dev.crashwatch.events.SignalAction.HALT;
import static dev.crashwatch.events.SignalAction.WATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP side on a real server (port 0), over a view fed by hand: no Kafka needed. */
class DashboardServerTest {

  private final DashboardView view = new DashboardView(10);
  private final AtomicBoolean ready = new AtomicBoolean();
  private final DashboardServer server =
      new DashboardServer(view, () -> List.of("rollback-signals"), ready::get)
          .start("127.0.0.1", 0);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesThePageAndChartJsFromItsWebJar() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<canvas id=\"rate-chart\"").doesNotContain("https://");
    HttpResponse<String> chart = get("/webjars/chart.js/4.4.1/dist/chart.umd.js");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart.js v4.4.1");
  }

  @Test
  void isLiveAtOnceAndReadyWhenTheReaderReadsEveryTopic() throws Exception {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health/ready").body()).contains("rollback-signals");
    ready.set(true);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void answersTheOverviewAndAVersionsDetailAsJson() throws Exception {
    view.onHealth(List.of(health("acme.sensor-content", "291", 1, 0.2)));
    view.onSignal(signal("acme.sensor-content", "291", HALT, WATCH, 1), 1);

    String overview = get("/api/overview").body();
    assertThat(overview)
        .contains("\"signalId\":\"acme.sensor-content@291/e1/HALT\"")
        .contains("\"pValue\":1.2E-12")
        .contains("\"topicsFound\":[\"rollback-signals\"]");
    String detail = get("/api/version?key=acme.sensor-content%40291").body();
    assertThat(detail).contains("\"crashRate\":0.2").contains("\"exposedByRing\":{\"canary\":63}");
    assertThat(get("/api/version").statusCode()).isEqualTo(400);
  }

  @Test
  void pushesANewSignalToAConnectedPageAtOnce() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> events =
        http.send(
            HttpRequest.newBuilder(uri("/events")).header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofInputStream());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (Exception closed) {
                // the server stopped
              }
            });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));

    view.onSignal(signal("acme.sensor-content", "291", WATCH, null, 1), 1);
    view.onHealth(List.of(health("acme.sensor-content", "291", 1, 0.2)));

    await("a signal event and a health event")
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.contains("event: signal") && lines.contains("event: health"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "data: {\"signal\":{\"signalId\":\"acme.sensor-content@291/e1/WATCH\"")
                    .contains("\"history\":[{\"id\":\"acme.sensor-content@291/e1/WATCH\""))
        .contains("data: [\"acme.sensor-content@291\"]");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
