package dev.crashwatch.processor.detect;

/**
 * The resolver's verdict on one candidate (a version whose spike test passed).
 *
 * @param key component@version of the candidate
 * @param result its spike test against its own baseline
 * @param blamed true when the spike is attributed to this version
 * @param explainedBy the candidate that explains it when not blamed, else null
 * @param reason one sentence saying why
 */
public record Blame(
    String key, TestResult result, boolean blamed, String explainedBy, String reason) {}
