package dev.crashwatch.dashboard;

import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.observability.MeterRegistries;
import dev.crashwatch.schema.EventSerdes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The SOC dashboard process: a {@link DashboardView} fed by an {@link OutputTopicsReader} and
 * served by a {@link DashboardServer}. What {@code crashwatch dashboard} runs, and what the browser
 * test starts.
 */
public final class Dashboard implements AutoCloseable {

  private final DashboardView view;
  private final OutputTopicsReader reader;
  private final DashboardServer server;

  private Dashboard(DashboardView view, OutputTopicsReader reader, DashboardServer server) {
    this.view = view;
    this.reader = reader;
    this.server = server;
  }

  /** Starts reading the output topics and serving the page. */
  public static Dashboard start(DashboardSettings settings) {
    DashboardView view = new DashboardView(settings.healthPoints());
    EventSerdes serdes =
        // The registry's TLS and basic auth, as every client takes them.
        EventSerdes.connect(RegistrySettings.serdeConfig(settings.raw()));
    OutputTopicsReader reader =
        new OutputTopicsReader(
            OutputConsumerConfig.of(settings.raw(), "crashwatch-dashboard"),
            serdes,
            settings.topics(),
            view);
    PrometheusMeterRegistry meters = MeterRegistries.prometheus("crashwatch-dashboard");
    reader.withMetrics(meters);
    DashboardServer server;
    try {
      server = new DashboardServer(view, () -> List.copyOf(reader.topicsFound()), reader::ready);
      server.serveMetrics(meters).start(settings.bindAddress(), settings.port());
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
    reader.start();
    return new Dashboard(view, reader, server);
  }

  private static void closeQuietly(OutputTopicsReader reader) {
    try {
      reader.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return server.port();
  }

  public DashboardView view() {
    return view;
  }

  /** The output topics found so far. */
  public List<String> topicsFound() {
    return List.copyOf(reader.topicsFound());
  }

  /** Whether the reader reads every output topic (what {@code /health/ready} answers). */
  public boolean ready() {
    return reader.ready();
  }

  /** What stopped the reader of the topics, or null while it reads. */
  public Throwable failure() {
    return reader.failure();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      closeQuietly(reader);
    }
  }
}
