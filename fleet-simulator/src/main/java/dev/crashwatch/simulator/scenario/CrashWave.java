package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Devices on an existing version of a component crash with {@code crashProbability} over {@code
 * duration} (JSON {@code for}); the blame belongs to that version, never to one under rollout.
 *
 * @param bugcheck {@code null} for crashes without a bugcheck code
 * @param module the faulting module; the loader fills in the component's module when the file names
 *     none
 */
public record CrashWave(
    String component,
    String version,
    Duration at,
    Duration duration,
    double crashProbability,
    String bugcheck,
    String module)
    implements Incident {

  public static final String KIND = "crashWave";

  public CrashWave {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String kind() {
    return KIND;
  }

  public ComponentVersion target() {
    return new ComponentVersion(component, version);
  }

  public Duration end() {
    return at.plus(duration);
  }
}
