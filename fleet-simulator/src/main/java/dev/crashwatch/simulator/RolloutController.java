package dev.crashwatch.simulator;

import dev.crashwatch.simulator.report.ObservedSignal;
import dev.crashwatch.simulator.scenario.Rollout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollout controller that FORMAT.md's {@code controller: true} asks the simulator to play: it
 * halts every further wave of a version as soon as the version is signalled HALT or ROLLBACK, and
 * rolls the version back on ROLLBACK. It decides from the signals only (what release tooling
 * reading the rollback-signals topic would know); the simulator carries its decisions out on the
 * devices.
 */
final class RolloutController {

  /** One decision: halt the rollout, or halt it and roll it back. */
  record Decision(Rollout rollout, boolean rollBack, ObservedSignal because) {}

  private final Map<String, Rollout> rollouts = new LinkedHashMap<>();
  private final Set<String> halted = new HashSet<>();
  private final Set<String> rolledBack = new HashSet<>();
  private int seen;

  RolloutController(List<Rollout> rollouts) {
    rollouts.forEach(r -> this.rollouts.put(r.target().toString(), r));
  }

  /** The decisions the signals raised since the last call ask for, in signal order. */
  List<Decision> decide(List<ObservedSignal> signals) {
    List<Decision> out = new ArrayList<>();
    for (ObservedSignal s : signals.subList(Math.min(seen, signals.size()), signals.size())) {
      Rollout rollout = rollouts.get(s.target());
      if (rollout == null) {
        continue; // a version nobody is rolling out: nothing to halt
      }
      String key = s.target();
      boolean rollBack = "ROLLBACK".equals(s.action());
      if (rollBack && rolledBack.add(key)) {
        halted.add(key);
        out.add(new Decision(rollout, true, s));
      } else if ("HALT".equals(s.action()) && halted.add(key)) {
        out.add(new Decision(rollout, false, s));
      }
    }
    seen = signals.size();
    return out;
  }

  boolean halted(Rollout rollout) {
    return halted.contains(rollout.target().toString());
  }

  boolean rolledBack(String component, String version) {
    return rolledBack.contains(component + "@" + version);
  }
}
