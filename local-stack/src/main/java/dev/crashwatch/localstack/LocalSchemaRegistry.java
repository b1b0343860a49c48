package dev.crashwatch.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (Confluent-compatible API at {@value #CCOMPAT_PATH}) running as a child
 * process on 127.0.0.1, with the global compatibility rule BACKWARD.
 *
 * <p>The child exits when this JVM dies, even by SIGKILL (see {@link OrphanGuard}). The data
 * directory holds the child's log, temporary files and caches; it is wiped at start and deleted by
 * {@link #close()}.
 *
 * <p>Started with {@link LocalCertificates}, it serves HTTPS only (Quarkus' {@code
 * quarkus.http.insecure-requests=disabled}) with the server certificate; the keystore password
 * reaches the child through its environment, never its command line, which any user can read.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

  /** Path of the Confluent-compatible API, relative to the registry's base URL. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private static final Logger log = LoggerFactory.getLogger(LocalSchemaRegistry.class);

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final Path dataDir;
  private final Process process;
  // Never written and never closed until close(): its open write end keeps the child alive.
  private final OutputStream parentLifeline;
  private final int port;
  private final LocalCertificates tls;
  private final long launchNanos;
  private long startMillis = -1;
  private boolean closed;

  private LocalSchemaRegistry(
      Path dataDir, Process process, int port, LocalCertificates tls, long launchNanos) {
    this.dataDir = dataDir;
    this.process = process;
    this.parentLifeline = process.getOutputStream();
    this.port = port;
    this.tls = tls;
    this.launchNanos = launchNanos;
  }

  /**
   * Starts a registry and returns once its API answers.
   *
   * @param dataDir directory owned by the registry (wiped now, deleted on close)
   * @throws IllegalStateException if the distribution is missing or the registry does not become
   *     ready within 60 s; the message includes the tail of its log
   */
  public static LocalSchemaRegistry start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts a registry listening on {@code port} (0 for any free port): for tests that make a
   * registry appear at a URL where clients have been trying to reach one. Its storage is in memory,
   * so a registry started again on the same port is a new, empty one.
   */
  public static LocalSchemaRegistry start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * Starts a registry that serves HTTPS only, with the server certificate of {@code tls}, on {@code
   * port} (0 for any free port).
   */
  public static LocalSchemaRegistry startTls(Path dataDir, int port, LocalCertificates tls) {
    return start(dataDir, port, tls);
  }

  private static LocalSchemaRegistry start(Path dataDir, int port, LocalCertificates tls) {
    Path runnerJar = ApicurioDistribution.runnerJar();
    RuntimeException lastBindFailure = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      LocalSchemaRegistry registry = launch(dataDir, runnerJar, port, tls);
      try {
        registry.awaitReady();
        return registry;
      } catch (RegistryStartException e) {
        // Keep the log that the message points to.
        registry.stop(false);
        if (!e.lostPortRace) {
          throw e;
        }
        log.debug("Registry start attempt {} lost a port race, retrying", attempt, e);
        lastBindFailure = e;
      } catch (RuntimeException | Error e) {
        registry.stop(false);
        throw e;
      }
    }
    throw new IllegalStateException(
        "Apicurio Registry could not bind a loopback port after " + START_ATTEMPTS + " attempts",
        lastBindFailure);
  }

  private static LocalSchemaRegistry launch(
      Path dir, Path runnerJar, int fixedPort, LocalCertificates tls) {
    Path dataDir = Support.freshDirectory(dir);
    int port = fixedPort != 0 ? fixedPort : Support.freeLoopbackPorts(1)[0];
    try {
      Path tmp = Files.createDirectories(dataDir.resolve("tmp"));
      Path guardClasses = copyOrphanGuard(dataDir.resolve("guard"));
      List<String> command = new ArrayList<>();
      command.add(javaExecutable());
      command.add("-Xmx128m");
      // No hsperfdata file in the system temp directory.
      command.add("-XX:-UsePerfData");
      // One GC thread and a small footprint; the registry serves a handful of requests.
      command.add("-XX:+UseSerialGC");
      // C1 only: shaves start time and CPU on small machines; the load is tiny anyway.
      command.add("-XX:TieredStopAtLevel=1");
      // Without these Quarkus/Vert.x write to /tmp (e.g. /tmp/vertx-cache).
      command.add("-Djava.io.tmpdir=" + tmp);
      command.add("-Dvertx.cacheDirBase=" + dataDir.resolve("vertx-cache"));
      command.add("-Dquarkus.http.host=" + Support.LOOPBACK);
      if (tls == null) {
        command.add("-Dquarkus.http.port=" + port);
      } else {
        command.add("-Dquarkus.http.ssl-port=" + port);
        command.add("-Dquarkus.http.port=0");
        command.add("-Dquarkus.http.insecure-requests=disabled");
        command.add("-Dquarkus.http.ssl.certificate.key-store-file=" + tls.keystore());
        command.add(
            "-Dquarkus.http.ssl.certificate.key-store-file-type=" + LocalCertificates.STORE_TYPE);
      }
      command.add("-Dquarkus.management.host=" + Support.LOOPBACK);
      command.add("-Dquarkus.management.port=0");
      command.add("-Dregistry.rules.global.compatibility=BACKWARD");
      command.add("-cp");
      // The runner's manifest Class-Path (lib/*.jar) is honoured on -cp as well as with -jar.
      command.add(runnerJar + File.pathSeparator + guardClasses);
      command.add(OrphanGuard.class.getName());
      command.add(ApicurioDistribution.MAIN_CLASS);

      Path logFile = dataDir.resolve("registry.log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dataDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      if (tls != null) {
        builder
            .environment()
            .put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", tls.storePassword());
      }
      long launchNanos = System.nanoTime();
      Process process = builder.start();
      log.debug("Launched Apicurio Registry pid {} on port {}", process.pid(), port);
      return new LocalSchemaRegistry(dataDir, process, port, tls, launchNanos);
    } catch (IOException e) {
      Support.deleteRecursively(dataDir);
      throw new UncheckedIOException("cannot launch Apicurio Registry", e);
    }
  }

  /**
   * Copies the guard class alone into the child's class path: putting our own code source there
   * instead could drag a whole application jar (Kafka, Jackson, ...) next to Apicurio's libraries.
   */
  private static Path copyOrphanGuard(Path root) throws IOException {
    String resource = OrphanGuard.class.getSimpleName() + ".class";
    Path target = root.resolve(OrphanGuard.class.getName().replace('.', '/') + ".class");
    Files.createDirectories(target.getParent());
    try (InputStream in = OrphanGuard.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class file of " + OrphanGuard.class.getName() + " not found");
      }
      Files.copy(in, target);
    }
    return root;
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(
            () -> {
              String exe =
                  System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java";
              return Path.of(System.getProperty("java.home"), "bin", exe).toString();
            });
  }

  /**
   * Whether a registry that exited before it was ready lost the race for its port: another process
   * bound the port between our probe for a free one and the registry's bind. Vert.x says "Address
   * already in use"; Quarkus, which checks the port first, says "Port N seems to be in use by
   * another process" and exits without that line.
   */
  static boolean lostPortRace(String logTail) {
    return logTail.contains("Address already in use")
        || logTail.contains("Port already bound")
        || logTail.contains("seems to be in use by another process");
  }

  private void awaitReady() {
    URI probe = URI.create(url() + "/subjects");
    long deadline = launchNanos + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (answers200(probe, tls)) {
        startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchNanos);
        log.debug("Apicurio Registry ready at {} in {} ms", url(), startMillis);
        return;
      }
      try {
        // Doubles as the pause between probes and as the check that the child is still alive.
        if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
          String tail = logTail();
          boolean portRace = lostPortRace(tail);
          throw new RegistryStartException(
              "Apicurio Registry exited with status "
                  + process.exitValue()
                  + " before it was ready. Last lines of "
                  + logFile()
                  + ":\n"
                  + tail,
              portRace);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
      }
    }
    throw new RegistryStartException(
        "Apicurio Registry not ready at "
            + url()
            + " within "
            + READY_TIMEOUT.toSeconds()
            + " s. Last lines of "
            + logFile()
            + ":\n"
            + logTail(),
        false);
  }

  private static boolean answers200(URI uri, LocalCertificates tls) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection();
      if (tls != null) {
        ((HttpsURLConnection) connection).setSSLSocketFactory(trusting(tls).getSocketFactory());
      }
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(2000);
      int status = connection.getResponseCode();
      try (InputStream body =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status == 200;
    } catch (IOException notYet) {
      return false;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  /** A TLS context that trusts the local CA only. */
  static SSLContext trusting(LocalCertificates tls) {
    try (InputStream in = Files.newInputStream(tls.truststore())) {
      KeyStore trust = KeyStore.getInstance(LocalCertificates.STORE_TYPE);
      trust.load(in, tls.storePassword().toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tls.truststore(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the truststore " + tls.truststore(), e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** The Confluent-compatible base URL, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
  public String url() {
    return baseUrl() + CCOMPAT_PATH;
  }

  /** The registry's root URL, {@code http://127.0.0.1:<port>} ({@code https} with TLS). */
  public String baseUrl() {
    return (tls == null ? "http" : "https") + "://" + Support.LOOPBACK + ":" + port;
  }

  /** The HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Process id of the registry JVM. */
  public long pid() {
    return process.pid();
  }

  /** Wall time from launching the process until its API answered. */
  public long startMillis() {
    return startMillis;
  }

  /** The directory the registry owns. */
  public Path dataDir() {
    return dataDir;
  }

  /** The registry's combined stdout and stderr. */
  public Path logFile() {
    return dataDir.resolve("registry.log");
  }

  /** Stops the registry (SIGTERM, then SIGKILL after 10 s) and deletes its data directory. */
  @Override
  public void close() {
    stop(true);
  }

  private synchronized void stop(boolean deleteFiles) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!OrphanGuard.stop(process, STOP_TIMEOUT)) {
        log.warn(
            "Apicurio Registry pid {} ignored SIGTERM for {}; killed it",
            process.pid(),
            STOP_TIMEOUT);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        parentLifeline.close();
      } catch (IOException ignored) {
        // the child is gone; so is the pipe
      }
      if (deleteFiles) {
        Support.deleteRecursively(dataDir);
      }
    }
  }

  private static final class RegistryStartException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final boolean lostPortRace;

    RegistryStartException(String message, boolean lostPortRace) {
      super(message);
      this.lostPortRace = lostPortRace;
    }
  }
}
