package dev.crashwatch.simulator.scenario;

import java.util.List;
import java.util.Objects;

/**
 * A component every device runs one version of: a sensor build, a content file, an OS build, a
 * driver.
 *
 * @param module the file reported as faulting module when this component crashes a machine, or
 *     {@code null} when the scenario names none
 * @param versions the versions devices run at the start, drawn by share
 */
public record Component(
    String id, String vendor, String module, ComponentMode mode, List<VersionShare> versions) {

  public Component {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(mode, "mode");
    versions = List.copyOf(versions);
  }

  public boolean hasVersion(String version) {
    return versions.stream().anyMatch(v -> v.version().equals(version));
  }

  public List<String> versionNames() {
    return versions.stream().map(VersionShare::version).toList();
  }

  public ComponentVersion at(String version) {
    return new ComponentVersion(id, version);
  }
}
