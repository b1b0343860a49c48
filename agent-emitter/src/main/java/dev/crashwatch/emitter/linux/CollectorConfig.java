package dev.crashwatch.emitter.linux;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who the device is and which components it reports.
 *
 * @param deviceId the device id, or null to use {@code /etc/machine-id} (stable across reboots and
 *     unique per installation, which is what the Kafka key needs)
 * @param tenantId customer or site owning the device
 * @param ring rollout ring of the device
 * @param components component id to version source; the kernel ({@link
 *     LinuxCollector#KERNEL_COMPONENT}) is always added from {@code /proc/sys/kernel/osrelease}
 *     unless configured here
 */
public record CollectorConfig(
    String deviceId, String tenantId, String ring, Map<String, ComponentSource> components) {

  public CollectorConfig {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(ring, "ring");
    // Insertion order kept, so events list components in the order they were configured.
    components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  public CollectorConfig(String tenantId, String ring) {
    this(null, tenantId, ring, Map.of());
  }
}
