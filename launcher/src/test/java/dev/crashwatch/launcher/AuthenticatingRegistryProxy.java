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
 * Authorization} header and forwarding everything else unchanged. Without credentials ({@link
 * #open}) it forwards every request; while a {@link #fail fault} is set it answers every request
 * with that status instead (503: the registry is down; 401: it refuses every client), the failure
 * suite's registry outage.
 */
final class AuthenticatingRegistryProxy implements AutoCloseable {

  private final HttpServer server;
  private final HttpClient upstream;
  private final String upstreamBase;
  private final String expectedHeader;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger fault = new AtomicInteger();

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
        user == null
            ? null
            : "Basic "
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

  /** A proxy in front of the plaintext registry at {@code upstreamBase} that forwards all. */
  static AuthenticatingRegistryProxy open(String upstreamBase) throws Exception {
    return new AuthenticatingRegistryProxy(upstreamBase, null, null, null, null);
  }

  /** Answers every request with {@code status} from now on; 0 forwards them again. */
  void fail(int status) {
    fault.set(status);
  }

  /** The proxy's root URL. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests refused: answered 401, or the status of a fault. */
  int refused() {
    return refused.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = fault.get();
      if (status == 0
          && expectedHeader != null
          && !expectedHeader.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        status = 401;
      }
      if (status != 0) {
        refused.incrementAndGet();
        byte[] body =
            ("{\"error_code\":" + status + ",\"message\":\"refused by the proxy\"}")
                .getBytes(StandardCharsets.UTF_8);
        if (status == 401) {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
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
