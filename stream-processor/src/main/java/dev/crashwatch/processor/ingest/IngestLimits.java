package dev.crashwatch.processor.ingest;

import java.time.Duration;

/**
 * The bounds on what devices may claim, so that no device, and no set of devices, can grow the
 * processor's stores without limit. The version and component bounds hold per stream task (per
 * input partition): a fleet-wide count would need a global view on the hot path.
 *
 * @param componentsPerDevice components one device may run at once ({@code
 *     ingest.max.components.per.device})
 * @param versionsPerComponent versions of one component in use at once ({@code
 *     ingest.max.versions.per.component})
 * @param components distinct components in the fleet ({@code ingest.max.components})
 * @param tenants distinct tenants ({@code ingest.max.tenants})
 * @param versionRetention a version (or tenant) not reported for this long no longer counts against
 *     the bounds ({@code ingest.version.retention})
 */
public record IngestLimits(
    int componentsPerDevice,
    int versionsPerComponent,
    int components,
    int tenants,
    Duration versionRetention) {

  public IngestLimits {
    positive("ingest.max.components.per.device", componentsPerDevice);
    positive("ingest.max.versions.per.component", versionsPerComponent);
    positive("ingest.max.components", components);
    positive("ingest.max.tenants", tenants);
    if (versionRetention.isNegative() || versionRetention.isZero()) {
      throw new IllegalArgumentException(
          "ingest.version.retention must be positive, got " + versionRetention);
    }
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
  }
}
