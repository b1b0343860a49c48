package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One scenario file (format: {@code scenarios/FORMAT.md}), as read by {@link ScenarioLoader}. All
 * times named {@code at} are offsets from {@link #start()}; tenants are 0-based.
 *
 * <p>Required fields, and the defaults of the optional ones. An explicit {@code null} counts as
 * missing.
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>when missing</th></tr>
 *   <tr><td>name, start, duration (&gt; 0), fleet</td><td>required</td></tr>
 *   <tr><td>seed</td><td>0</td></tr>
 *   <tr><td>fleet.devices (&ge; 1), fleet.rings, fleet.components (both non-empty)</td>
 *       <td>required</td></tr>
 *   <tr><td>fleet.tenants</td><td>1</td></tr>
 *   <tr><td>fleet.heartbeatEvery (&gt; 0)</td><td>PT10M</td></tr>
 *   <tr><td>fleet.baselineCrashesPerDeviceDay</td><td>0</td></tr>
 *   <tr><td>rings[].name, rings[].share</td><td>required</td></tr>
 *   <tr><td>components[].id, vendor, versions; versions[].version, share</td>
 *       <td>required</td></tr>
 *   <tr><td>components[].module</td><td>none ({@code null})</td></tr>
 *   <tr><td>components[].mode</td><td>{@code user}</td></tr>
 *   <tr><td>rollouts, incidents</td><td>empty</td></tr>
 *   <tr><td>rollouts[].component, version, waves (non-empty); waves[].ring, at</td>
 *       <td>required</td></tr>
 *   <tr><td>rollouts[].spreadOver</td><td>PT0S</td></tr>
 *   <tr><td>rollouts[].fault</td><td>none: a harmless version</td></tr>
 *   <tr><td>fault.crashProbability</td><td>required</td></tr>
 *   <tr><td>fault.after</td><td>PT0S</td></tr>
 *   <tr><td>fault.loop</td><td>false</td></tr>
 *   <tr><td>fault.bugcheck, crashWave.bugcheck</td><td>none: a crash without bugcheck code</td></tr>
 *   <tr><td>fault.module, crashWave.module</td><td>the component's {@code module}</td></tr>
 *   <tr><td>fault.onlyWith</td><td>empty: every device</td></tr>
 *   <tr><td>incidents[].kind</td><td>required: powerOutage, crashWave or networkOutage</td></tr>
 *   <tr><td>powerOutage: tenant, at</td><td>required</td></tr>
 *   <tr><td>powerOutage.share</td><td>1 (the whole tenant)</td></tr>
 *   <tr><td>powerOutage.for (an extension of the format)</td><td>PT15M</td></tr>
 *   <tr><td>crashWave: component, version, at, for, crashProbability</td><td>required</td></tr>
 *   <tr><td>networkOutage: tenant, at, for</td><td>required</td></tr>
 *   <tr><td>telemetry</td><td>no noise: every field at its default</td></tr>
 *   <tr><td>telemetry.uploadDelay, clockSkew</td><td>PT0S</td></tr>
 *   <tr><td>telemetry.duplicates, malformed, crashUploadLoss</td><td>0</td></tr>
 *   <tr><td>controller</td><td>false</td></tr>
 *   <tr><td>expect</td><td>must and may empty, noOthers true</td></tr>
 *   <tr><td>must[].component, version, action</td><td>required</td></tr>
 *   <tr><td>must[].within</td><td>the scenario's duration</td></tr>
 *   <tr><td>must[].before</td><td>none ({@code null})</td></tr>
 *   <tr><td>may[].component, version</td><td>required</td></tr>
 *   <tr><td>expect.noOthers</td><td>true</td></tr>
 * </table>
 */
public record Scenario(
    String name,
    long seed,
    Instant start,
    Duration duration,
    Fleet fleet,
    List<Rollout> rollouts,
    List<Incident> incidents,
    Telemetry telemetry,
    boolean controller,
    Expectations expect) {

  public Scenario {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(fleet, "fleet");
    rollouts = List.copyOf(rollouts);
    incidents = List.copyOf(incidents);
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(expect, "expect");
  }

  /** The same scenario with a fleet of {@code devices} devices, to try it bigger or smaller. */
  public Scenario withDevices(int devices) {
    Fleet f = fleet;
    Fleet resized =
        new Fleet(
            devices,
            f.tenants(),
            f.rings(),
            f.heartbeatEvery(),
            f.baselineCrashesPerDeviceDay(),
            f.components());
    return new Scenario(
        name, seed, start, duration, resized, rollouts, incidents, telemetry, controller, expect);
  }

  /**
   * The first {@code length} of this scenario: the same fleet, rollouts, incidents and
   * expectations, replayed only up to {@code start + length} (what happens later in the file is
   * never simulated).
   */
  public Scenario withDuration(Duration length) {
    if (length.isNegative() || length.isZero() || length.compareTo(duration) > 0) {
      throw new IllegalArgumentException(
          "a scenario's replayed duration must be above zero and at most its duration ("
              + duration
              + "), got "
              + length);
    }
    return new Scenario(
        name, seed, start, length, fleet, rollouts, incidents, telemetry, controller, expect);
  }

  public Instant end() {
    return start.plus(duration);
  }

  /** The instant of an offset such as a wave's {@code at}. */
  public Instant timeAt(Duration offset) {
    return start.plus(offset);
  }

  public Optional<Rollout> rollout(ComponentVersion target) {
    return rollouts.stream().filter(r -> r.target().equals(target)).findFirst();
  }

  /** Every version of a component in this scenario: the fleet's first, then those rolled out. */
  public List<String> versionsOf(String component) {
    List<String> versions = new ArrayList<>();
    fleet.component(component).ifPresent(c -> versions.addAll(c.versionNames()));
    for (Rollout rollout : rollouts) {
      if (rollout.component().equals(component)) {
        versions.add(rollout.version());
      }
    }
    return versions;
  }

  /** The incidents of one kind, in file order. */
  public <T extends Incident> List<T> incidents(Class<T> kind) {
    return incidents.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
