package dev.crashwatch.simulator.report;

import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Action;
import dev.crashwatch.simulator.scenario.ComponentVersion;
import dev.crashwatch.simulator.scenario.MustSignal;
import dev.crashwatch.simulator.scenario.Rollout;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.Wave;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Judges a run against the scenario's expectations, as FORMAT.md defines them. */
public final class ScenarioJudge {

  private ScenarioJudge() {}

  public static ScenarioReport judge(
      Scenario scenario, SimulationResult result, List<ObservedSignal> signals) {
    List<ExpectationResult> results = new ArrayList<>();
    for (MustSignal must : scenario.expect().must()) {
      results.add(judgeMust(scenario, result, signals, must));
    }
    if (scenario.expect().noOthers()) {
      List<String> falseAlarms = new ArrayList<>();
      // HALTs and ROLLBACKs the scenario's "may" allows: named, so that a reader who saw one in
      // the run's signals is not told there was none
      List<String> allowed = new ArrayList<>();
      for (ObservedSignal s : signals) {
        Optional<Action> action = action(s);
        if (action.isEmpty() || !action.get().atLeast(Action.HALT)) {
          continue;
        }
        ComponentVersion target = new ComponentVersion(s.component(), s.version());
        String seen = s.action() + " " + s.target() + " at " + s.simulatedTime();
        if (scenario.expect().isFalseAlarm(target, action.get())) {
          falseAlarms.add(seen);
        } else if (!scenario.expect().isRequired(target)) {
          allowed.add(seen);
        }
      }
      String measured =
          falseAlarms.isEmpty() ? "none" : "false alarms: " + String.join("; ", falseAlarms);
      if (!allowed.isEmpty()) {
        measured += " (allowed by the scenario's \"may\": " + String.join("; ", allowed) + ")";
      }
      results.add(
          new ExpectationResult("no other HALT or ROLLBACK", falseAlarms.isEmpty(), measured));
    }
    Map<String, Duration> timeToDetect = new LinkedHashMap<>();
    for (MustSignal must : scenario.expect().must()) {
      String target = must.target().toString();
      Instant firstCrash = result.firstFaultyCrash().get(target);
      firstSignal(signals, must)
          .filter(s -> firstCrash != null)
          .ifPresent(
              s -> timeToDetect.put(target, Duration.between(firstCrash, s.simulatedTime())));
    }
    long byRollouts =
        result.crashedDevicesByRing().values().stream().mapToLong(Long::longValue).sum();
    return new ScenarioReport(
        scenario.name(),
        results.stream().allMatch(ExpectationResult::passed),
        List.copyOf(signals),
        results,
        timeToDetect,
        result.crashedDevicesByRing(),
        result.moments(),
        byRollouts,
        result.crashedDevices(),
        result.events(),
        result.wallTime().toMillis() / 1000.0);
  }

  private static ExpectationResult judgeMust(
      Scenario scenario, SimulationResult result, List<ObservedSignal> signals, MustSignal must) {
    String target = must.target().toString();
    String expectation =
        "must "
            + must.action()
            + " "
            + target
            + " within "
            + must.within()
            + (must.before() == null ? "" : " before " + must.before());
    Instant firstCrash = result.firstFaultyCrash().get(target);
    Optional<ObservedSignal> signal = firstSignal(signals, must);
    if (signal.isEmpty()) {
      return new ExpectationResult(
          expectation, false, "no " + must.action() + " or stronger signal");
    }
    Instant at = signal.get().simulatedTime();
    if (firstCrash == null) {
      return new ExpectationResult(
          expectation,
          false,
          signal.get().action() + " at " + at + ", but no faulty crash happened");
    }
    Duration after = Duration.between(firstCrash, at);
    boolean inTime = after.compareTo(must.within()) <= 0;
    String measured = signal.get().action() + " " + after + " after the first faulty crash";
    boolean beforeRing = true;
    if (must.before() != null) {
      Instant waveStart = waveStart(scenario, target, must.before());
      beforeRing = waveStart == null || at.isBefore(waveStart);
      measured +=
          beforeRing
              ? ", before " + must.before() + " started"
              : ", after " + must.before() + " started at " + waveStart;
    }
    return new ExpectationResult(expectation, inTime && beforeRing, measured);
  }

  /** The first signal for the must's version at its action or stronger. */
  private static Optional<ObservedSignal> firstSignal(
      List<ObservedSignal> signals, MustSignal must) {
    String target = must.target().toString();
    return signals.stream()
        .filter(s -> s.target().equals(target))
        .filter(s -> action(s).map(a -> a.atLeast(must.action())).orElse(false))
        .findFirst();
  }

  private static Instant waveStart(Scenario scenario, String target, String ring) {
    for (Rollout r : scenario.rollouts()) {
      if (r.target().toString().equals(target)) {
        Optional<Wave> wave = r.waveFor(ring);
        if (wave.isPresent()) {
          return scenario.timeAt(wave.get().at());
        }
      }
    }
    return null;
  }

  private static Optional<Action> action(ObservedSignal s) {
    try {
      return Optional.of(Action.valueOf(s.action()));
    } catch (IllegalArgumentException resolvedOrUnknown) {
      return Optional.empty();
    }
  }
}
