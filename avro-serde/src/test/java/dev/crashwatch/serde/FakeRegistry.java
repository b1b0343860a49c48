package dev.crashwatch.serde;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted HTTP server for what a real registry will not do on demand: answer 503 or 429, or
 * answer with a proxy's HTML page. Replies are served in order; the last one repeats.
 */
final class FakeRegistry implements AutoCloseable {
  record Reply(int status, String contentType, String body) {}

  record Request(
      String method, String path, String accept, String contentType, String auth, String body) {}

  private final HttpServer server;
  private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
  private volatile Reply last = new Reply(500, "text/plain", "no reply scripted");
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          var h = exchange.getRequestHeaders();
          requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  h.getFirst("Accept"),
                  h.getFirst("Content-Type"),
                  h.getFirst("Authorization"),
                  body));
          Reply r = replies.poll();
          if (r == null) {
            r = last;
          } else {
            last = r;
          }
          byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", r.contentType());
          exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  FakeRegistry reply(int status, String json) {
    replies.add(new Reply(status, "application/json", json));
    return this;
  }

  FakeRegistry reply(int status, String contentType, String body) {
    replies.add(new Reply(status, contentType, body));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
