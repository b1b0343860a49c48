package dev.crashwatch.simulator.report;

import java.time.Instant;

/**
 * A rollback signal as the run saw it on the signals topic.
 *
 * @param action WATCH, HALT, ROLLBACK or RESOLVED
 * @param simulatedTime the stream time at which the processor decided it
 * @param wallTime when the run read it
 */
public record ObservedSignal(
    String component, String version, String action, Instant simulatedTime, Instant wallTime) {

  public String target() {
    return component + "@" + version;
  }
}
