package dev.crashwatch.processor.detect;

import java.util.Collection;

/**
 * The comparison group a version's failure rate is tested against.
 *
 * @param kind {@value #REST_OF_FLEET} (the other versions of the same component) or {@value
 *     #PREVIOUS_VERSION}
 * @param crashedDevices distinct crashed devices of the group in the same window
 * @param silentDevices distinct silent devices of the group (counted like crashes, as for the
 *     version, so that a fleet-wide silence raises both sides equally)
 * @param exposedDevices distinct devices in the group
 */
public record Baseline(String kind, long crashedDevices, long silentDevices, long exposedDevices) {

  public static final String REST_OF_FLEET = "rest-of-fleet";
  public static final String PREVIOUS_VERSION = "previous-version";

  public Baseline {
    if (crashedDevices < 0 || silentDevices < 0 || exposedDevices < 0) {
      throw new IllegalArgumentException("negative device count in baseline");
    }
  }

  /** Crashed plus silent devices, at most the exposed devices. */
  public long failedDevices() {
    return Math.min(crashedDevices + silentDevices, exposedDevices);
  }

  /**
   * The rest of the fleet for {@code target}: the sum over every other version of the same
   * component in {@code all} (each device runs one version of a component, so they are disjoint).
   */
  public static Baseline restOfFleet(VersionFigures target, Collection<VersionFigures> all) {
    long crashed = 0;
    long silent = 0;
    long exposed = 0;
    for (VersionFigures v : all) {
      if (v.component().equals(target.component()) && !v.version().equals(target.version())) {
        crashed += v.crashedDevices();
        silent += v.silentDevices();
        exposed += v.exposedDevices();
      }
    }
    return new Baseline(REST_OF_FLEET, crashed, silent, exposed);
  }

  /** The previous version's figures as the baseline. */
  public static Baseline previousVersion(VersionFigures previous) {
    return new Baseline(
        PREVIOUS_VERSION,
        previous.crashedDevices(),
        previous.silentDevices(),
        previous.exposedDevices());
  }
}
