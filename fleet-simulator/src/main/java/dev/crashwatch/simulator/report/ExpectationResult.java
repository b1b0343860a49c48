package dev.crashwatch.simulator.report;

/**
 * One expectation of the scenario, judged.
 *
 * @param expectation what was expected, in words, e.g. {@code must ROLLBACK acme.sensor-content@291
 *     within PT15M before early}
 * @param passed whether it held
 * @param measured the figure it was judged on, e.g. {@code ROLLBACK 6m12s after the first faulty
 *     crash, before early started}
 */
public record ExpectationResult(String expectation, boolean passed, String measured) {}
