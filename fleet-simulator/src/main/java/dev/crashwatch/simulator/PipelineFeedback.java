package dev.crashwatch.simulator;

import dev.crashwatch.simulator.report.ObservedSignal;
import java.time.Instant;
import java.util.List;

/**
 * The pipeline as the simulator sees it in lock-step: before simulated time moves past a step, the
 * simulator hands over everything it sent and waits here until the pipeline has processed it, so
 * that simulated time never runs ahead of what the processor has seen (FORMAT.md, {@code
 * controller}), and a replay sees the data in the same order as a live run would.
 */
public interface PipelineFeedback {

  /**
   * Returns once the pipeline has processed every event sent so far (the sink is flushed), with
   * every signal it has raised so far, in the order raised.
   *
   * @param reached the simulated time about to be passed
   */
  List<ObservedSignal> awaitProcessed(Instant reached) throws InterruptedException;
}
