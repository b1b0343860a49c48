package dev.crashwatch.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Crashwatch metrics endpoint over HTTP, as Prometheus and a healthcheck would. */
final class Scrape {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Scrape() {}

  static HttpResponse<String> get(int port, String path) throws Exception {
    return get(URI.create("http://127.0.0.1:" + port + path));
  }

  static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The sum of every sample of {@code metric} whose labels contain each of {@code labels} (e.g.
   * {@code reason="TRUNCATED"}) in a scrape of {@code /metrics}; 0 when there is none.
   */
  static double sum(int port, String metric, String... labels) throws Exception {
    String body = get(port, "/metrics").body();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
    double sum = 0;
    while (m.find()) {
      boolean all = true;
      for (String label : labels) {
        all &= m.group(1).contains(label);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
