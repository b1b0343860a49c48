package dev.crashwatch.simulator.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a faulty version does to the devices that take it: each boot with it crashes with {@code
 * crashProbability}, {@code after} the update or boot; with {@code loop} every boot crashes again.
 *
 * @param bugcheck the bugcheck code of the crash, or {@code null} for a crash without one (a
 *     user-mode crash)
 * @param module the faulting module; the loader fills in the component's module when the file names
 *     none, so {@code null} only when neither does
 * @param onlyWith component id to versions: the fault strikes only devices that run one of the
 *     listed versions of every listed component; empty means every device
 */
public record Fault(
    double crashProbability,
    DurationRange after,
    boolean loop,
    String bugcheck,
    String module,
    Map<String, List<String>> onlyWith) {

  public Fault {
    Objects.requireNonNull(after, "after");
    // Insertion order, not Map.copyOf: a seeded run must iterate the same way in every JVM.
    Map<String, List<String>> copy = new LinkedHashMap<>();
    onlyWith.forEach((component, versions) -> copy.put(component, List.copyOf(versions)));
    onlyWith = Collections.unmodifiableMap(copy);
  }

  /**
   * Whether a device running these versions (component id to version) is susceptible.
   *
   * @param versions what the device runs, including the faulty version itself
   */
  public boolean appliesTo(Map<String, String> versions) {
    for (Map.Entry<String, List<String>> condition : onlyWith.entrySet()) {
      String version = versions.get(condition.getKey());
      if (version == null || !condition.getValue().contains(version)) {
        return false;
      }
    }
    return true;
  }
}
