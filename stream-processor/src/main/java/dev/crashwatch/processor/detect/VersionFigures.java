package dev.crashwatch.processor.detect;

import java.time.Instant;
import java.util.Map;

/**
 * What the stream processor counted for one component version over the detection window, as handed
 * to the detector at a punctuation.
 *
 * <p>Crashes are distinct devices, not events (a crash-looping device is one device), and only real
 * crashes (bugchecks and the like): unclean shutdowns without a bugcheck, such as a power outage,
 * are excluded by the caller and never counted here.
 *
 * @param component component id, e.g. {@code acme.sensor-content}
 * @param version version of the component, e.g. {@code 291}
 * @param exposedDevices distinct devices running the version now
 * @param exposedByRing the same, per ring (rings reached)
 * @param crashedDevices distinct devices that crashed while running the version in the window
 * @param silentDevices distinct devices that went silent soon after taking the version (and did not
 *     crash visibly); they count against the version like crashes
 * @param firstCrashTime event time of the first crash counted, or null
 * @param firstSeenTime when the version was first seen in the fleet, or null if unknown; used only
 *     to break a tie in blame (the newer change is blamed for an interaction)
 * @param topBugcheck most frequent bugcheck code among the crashes, or null
 * @param topBugcheckCount devices with that bugcheck
 * @param topModule most frequent faulting module among the crashes, or null
 * @param topModuleCount devices with that faulting module
 * @param moduleBelongsToComponent true when {@code topModule} is this component's own module
 * @param ownModuleCrashes devices in the window whose crash report names this component's own
 *     module, top or not: a version whose crashes sit mostly in another candidate's module still
 *     shows its own ones here (of two faulty drivers in one ring, the one crashing less never has
 *     the top module)
 */
public record VersionFigures(
    String component,
    String version,
    long exposedDevices,
    Map<String, Long> exposedByRing,
    long crashedDevices,
    long silentDevices,
    Instant firstCrashTime,
    Instant firstSeenTime,
    String topBugcheck,
    long topBugcheckCount,
    String topModule,
    long topModuleCount,
    boolean moduleBelongsToComponent,
    long ownModuleCrashes) {

  public VersionFigures {
    if (exposedDevices < 0 || crashedDevices < 0 || silentDevices < 0 || ownModuleCrashes < 0) {
      throw new IllegalArgumentException("negative device count for " + component + "@" + version);
    }
    exposedByRing = exposedByRing == null ? Map.of() : Map.copyOf(exposedByRing);
  }

  /** Figures with only the counts (no rings, times, bugcheck or module). */
  public static VersionFigures of(
      String component, String version, long exposed, long crashed, long silent) {
    return new VersionFigures(
        component, version, exposed, Map.of(), crashed, silent, null, null, null, 0, null, 0, false,
        0);
  }

  /** {@code component@version}. */
  public String key() {
    return component + "@" + version;
  }

  /** Crashed plus silent devices, at most the exposed devices: the test's numerator. */
  public long failedDevices() {
    return Math.min(crashedDevices + silentDevices, exposedDevices);
  }

  /** (crashed + silent) / exposed; 0 without exposure. */
  public double failureRate() {
    return exposedDevices == 0 ? 0.0 : (double) failedDevices() / exposedDevices;
  }

  /** The same version with other counts (e.g. restricted to devices not running another one). */
  public VersionFigures withCounts(long exposed, long failed) {
    return new VersionFigures(
        component,
        version,
        exposed,
        exposedByRing,
        failed,
        0,
        firstCrashTime,
        firstSeenTime,
        topBugcheck,
        topBugcheckCount,
        topModule,
        topModuleCount,
        moduleBelongsToComponent,
        ownModuleCrashes);
  }
}
