package dev.crashwatch.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A schema registry that demands HTTP basic authentication, as Confluent's does when configured so:
 * the JDK's HTTP server in front of a real registry, answering 401 without the right {@code
 * Authorization} header and forwarding everything else unchanged.
 */
final class AuthenticatingRegistryProxy implements AutoCloseable {

  private final HttpServer server;
  private final HttpClient upstream;
  private final String upstreamBase;
  private final String expectedHeader;
  private final AtomicInteger refused = new AtomicInteger();

  /**
   * @param upstreamBase the real registry's root URL (http or https)
   * @param truststore the CA the upstream's certificate is checked against (PKCS12), or null
   */
  AuthenticatingRegistryProxy(
      String upstreamBase,
      String user,
      String password,
      java.nio.file.Path truststore,
      String storePassword)
      throws Exception {
    this.upstreamBase = upstreamBase;
    this.expectedHeader =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    if (truststore != null) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = java.nio.file.Files.newInputStream(truststore)) {
        trust.load(in, storePassword.toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      builder.sslContext(tls);
    }
    this.upstream = builder.build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's root URL. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests answered 401. */
  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!expectedHeader.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        refused.incrementAndGet();
        byte[] body =
            "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(401, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      byte[] requestBody = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(upstreamBase + exchange.getRequestURI()))
              .method(
                  exchange.getRequestMethod(),
                  requestBody.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(requestBody));
      for (String header : new String[] {"Content-Type", "Accept"}) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          forward.header(header, value);
        }
      }
      HttpResponse<byte[]> answer =
          upstream.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      answer
          .headers()
          .firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
      exchange.sendResponseHeaders(
          answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      exchange.getResponseBody().write(answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
