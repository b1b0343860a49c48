package dev.crashwatch.processor.signal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a vendor's health feed exists before the first snapshot is written to it. Vendors are
 * learned from heartbeats, so their topics cannot all be created up front, and brokers usually
 * refuse to auto-create topics (a write to a missing topic blocks the stream thread). Each topic is
 * created at most once per process (compacted; broker defaults for partitions and replication);
 * where the processor may not create topics (ACLs), ops create {@code vendor-health.<vendor>}
 * themselves and the failure is only logged.
 */
public interface VendorFeeds {

  /** Nothing to do (TopologyTestDriver, or topics managed elsewhere). */
  VendorFeeds NONE = topic -> {};

  void ensure(String topic);

  /** A vendor name as it may appear in a topic name: anything but [A-Za-z0-9._-] becomes '_'. */
  static String topicSafe(String vendor) {
    return vendor.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Creates missing feeds through {@code admin}. */
  static VendorFeeds creating(Admin admin, Duration timeout) {
    Logger log = LoggerFactory.getLogger(VendorFeeds.class);
    Set<String> known = ConcurrentHashMap.newKeySet();
    return topic -> {
      if (!known.add(topic)) {
        return;
      }
      try {
        admin
            .createTopics(
                List.of(
                    // Compacted, as TopicPlan.vendorFeed plans it: the latest per version.
                    new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(
                            Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT))))
            .all()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created vendor health feed {}", topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          log.warn("cannot create vendor health feed {}: {}", topic, e.getCause().toString());
        }
      } catch (TimeoutException e) {
        log.warn("timed out creating vendor health feed {}", topic);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
