package dev.crashwatch.processor.signal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VendorFeeds} from the broker's topic list, refreshed in the background every {@code
 * every}: the stream thread only reads a set, so a slow or unreachable broker never blocks a task.
 * A feed created later is written to from the next refresh on.
 */
public final class ListedVendorFeeds implements VendorFeeds, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ListedVendorFeeds.class);

  private final Admin admin;
  private final String prefix;
  private final Duration timeout;
  private final ScheduledExecutorService refresher;
  private volatile Set<String> feeds = Set.of();

  public ListedVendorFeeds(Admin admin, String prefix, Duration every) {
    this.admin = admin;
    this.prefix = prefix;
    this.timeout = every;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vendor-feeds-refresh");
              t.setDaemon(true);
              return t;
            });
    refresher.scheduleWithFixedDelay(this::refresh, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean exists(String topic) {
    return feeds.contains(topic);
  }

  /** Lists the feeds now (the background refresh does this on its own). */
  public void refresh() {
    try {
      feeds =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
              .filter(t -> t.startsWith(prefix))
              .collect(Collectors.toUnmodifiableSet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("cannot list vendor health feeds: {}", e.toString());
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
