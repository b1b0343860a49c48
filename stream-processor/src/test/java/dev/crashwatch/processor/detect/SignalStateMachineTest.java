package dev.crashwatch.processor.detect;

import static dev.crashwatch.processor.detect.DetectorAction.HALT;
import static dev.crashwatch.processor.detect.DetectorAction.NONE;
import static dev.crashwatch.processor.detect.DetectorAction.RESOLVED;
import static dev.crashwatch.processor.detect.DetectorAction.ROLLBACK;
import static dev.crashwatch.processor.detect.DetectorAction.WATCH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalStateMachineTest {

  private final SignalStateMachine machine = new SignalStateMachine(DetectorThresholds.DEFAULTS);

  /** Runs the levels through the machine from {@link SignalState#INITIAL}, like a caller would. */
  private final class Run {
    SignalState state = SignalState.INITIAL;
    final List<Transition> transitions = new ArrayList<>();

    Run feed(DetectorAction... levels) {
      for (DetectorAction level : levels) {
        evaluate(level, 1_000);
      }
      return this;
    }

    Optional<Transition> evaluate(DetectorAction level, long exposed) {
      SignalStateMachine.Step step =
          machine.step(state, "acme.sensor-content", "291", level, exposed);
      state = step.state();
      step.transition().ifPresent(transitions::add);
      return step.transition();
    }

    List<String> ids() {
      return transitions.stream().map(Transition::signalId).toList();
    }
  }

  @Test
  void oneTransitionPerChangeNotPerEvaluation() {
    Run run = new Run().feed(NONE, WATCH, WATCH, WATCH, HALT, HALT, ROLLBACK, ROLLBACK, ROLLBACK);
    assertThat(run.ids())
        .containsExactly(
            "acme.sensor-content@291/e1/WATCH",
            "acme.sensor-content@291/e1/HALT",
            "acme.sensor-content@291/e1/ROLLBACK");
    assertThat(run.transitions.get(0).previousAction()).isNull();
    assertThat(run.transitions.get(1).previousAction()).isEqualTo(WATCH);
    assertThat(run.transitions.get(2).previousAction()).isEqualTo(HALT);
  }

  @Test
  void clearSpikeGoesStraightToRollback() {
    Run run = new Run().feed(ROLLBACK);
    assertThat(run.transitions).hasSize(1);
    Transition t = run.transitions.get(0);
    assertThat(t.action()).isEqualTo(ROLLBACK);
    assertThat(t.previousAction()).isNull();
    assertThat(t.episode()).isEqualTo(1);
    assertThat(t.signalId()).isEqualTo("acme.sensor-content@291/e1/ROLLBACK");
  }

  @Test
  void neverDeescalatesFromHaltOrRollbackToWatch() {
    Run run = new Run().feed(HALT, WATCH, WATCH, ROLLBACK, HALT, WATCH, WATCH, WATCH);
    assertThat(run.transitions).extracting(Transition::action).containsExactly(HALT, ROLLBACK);
    assertThat(run.state.action()).isEqualTo(ROLLBACK);
  }

  @Test
  void alternatingPassAndFailDoesNotFlap() {
    Run run = new Run().feed(WATCH);
    for (int i = 0; i < 20; i++) {
      run.feed(NONE, NONE, WATCH);
    }
    assertThat(run.transitions).hasSize(1);
    assertThat(run.state.action()).isEqualTo(WATCH);
  }

  @Test
  void resolvesAfterThreeFailuresThenStartsANewEpisode() {
    Run run = new Run().feed(HALT, NONE, NONE);
    assertThat(run.state.action()).isEqualTo(HALT);
    run.feed(NONE);
    assertThat(run.state.action()).isEqualTo(RESOLVED);
    run.feed(NONE, NONE, NONE); // nothing more to say
    run.feed(WATCH);
    assertThat(run.ids())
        .containsExactly(
            "acme.sensor-content@291/e1/HALT",
            "acme.sensor-content@291/e1/RESOLVED",
            "acme.sensor-content@291/e2/WATCH");
    assertThat(run.transitions.get(1).previousAction()).isEqualTo(HALT);
    assertThat(run.transitions.get(2).previousAction()).isNull();
    assertThat(run.state.episode()).isEqualTo(2);
  }

  @Test
  void resolvesAtOnceWhenNoDeviceRunsTheVersionAnyMore() {
    Run run = new Run().feed(ROLLBACK);
    assertThat(run.evaluate(ROLLBACK, 0)).map(Transition::action).contains(RESOLVED);
    assertThat(run.evaluate(NONE, 0)).isEmpty();
  }

  @Test
  void escalateAfterTwoNeedsTwoConsecutiveEvaluationsAndTakesTheLowerLevel() {
    DetectorThresholds d = DetectorThresholds.DEFAULTS;
    SignalStateMachine patient =
        new SignalStateMachine(
            new DetectorThresholds(
                d.falseAlarmBudget(),
                d.watchMaxPValue(),
                d.watchMinDevices(),
                d.haltMaxPValue(),
                d.haltMinDevices(),
                d.rollbackMaxPValue(),
                d.rollbackMinDevices(),
                d.minRateRatio(),
                d.baselineRateFloor(),
                2,
                3));
    SignalState s = SignalState.INITIAL;
    SignalStateMachine.Step step = patient.step(s, "c", "1", ROLLBACK, 10);
    assertThat(step.transition()).isEmpty();
    step = patient.step(step.state(), "c", "1", NONE, 10); // streak broken
    assertThat(step.transition()).isEmpty();
    step = patient.step(step.state(), "c", "1", ROLLBACK, 10);
    step = patient.step(step.state(), "c", "1", HALT, 10);
    assertThat(step.transition()).map(Transition::action).contains(HALT);
  }

  @Test
  void sameInputsGiveTheSameIdsSoRedeliveryCanBeDropped() {
    Run a = new Run().feed(WATCH, ROLLBACK, NONE, NONE, NONE, HALT);
    Run b = new Run().feed(NONE, WATCH, ROLLBACK, WATCH, NONE, NONE, NONE, HALT);
    assertThat(a.ids()).isEqualTo(b.ids());
    assertThat(a.ids())
        .containsExactly(
            "acme.sensor-content@291/e1/WATCH",
            "acme.sensor-content@291/e1/ROLLBACK",
            "acme.sensor-content@291/e1/RESOLVED",
            "acme.sensor-content@291/e2/HALT");
    assertThat(a.state).isEqualTo(b.state);
  }

  @Test
  void noTransitionWithoutAnySignal() {
    assertThat(new Run().feed(NONE, NONE, NONE).transitions).isEmpty();
  }
}
