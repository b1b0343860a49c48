package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The devices of a scenario. Tenants are numbered from 0 to {@code tenants - 1}; rings and
 * components keep the order of the file.
 */
public record Fleet(
    int devices,
    int tenants,
    List<Ring> rings,
    Duration heartbeatEvery,
    double baselineCrashesPerDeviceDay,
    List<Component> components) {

  public Fleet {
    rings = List.copyOf(rings);
    Objects.requireNonNull(heartbeatEvery, "heartbeatEvery");
    components = List.copyOf(components);
  }

  public Optional<Ring> ring(String name) {
    return rings.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** Position of a ring in rollout order, or -1 when there is no such ring. */
  public int ringIndex(String name) {
    for (int i = 0; i < rings.size(); i++) {
      if (rings.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public List<String> ringNames() {
    return rings.stream().map(Ring::name).toList();
  }

  public Optional<Component> component(String id) {
    return components.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  public List<String> componentIds() {
    return components.stream().map(Component::id).toList();
  }
}
