package dev.crashwatch.processor.detect;

/**
 * A change of state of one component version's signal; becomes one {@code RollbackSignal}.
 *
 * @param signalId stable id {@code component@version/e<episode>/<ACTION>}: a redelivered or
 *     recomputed copy of the same change has the same id
 * @param component component id
 * @param version version
 * @param action the new state (WATCH, HALT, ROLLBACK or RESOLVED)
 * @param previousAction the state before, null when this change starts an episode
 * @param episode the episode this change belongs to (RESOLVED ends it)
 */
public record Transition(
    String signalId,
    String component,
    String version,
    DetectorAction action,
    DetectorAction previousAction,
    int episode) {

  /** {@code component@version/e<episode>/<ACTION>}. */
  public static String signalId(
      String component, String version, int episode, DetectorAction action) {
    return component + "@" + version + "/e" + episode + "/" + action.name();
  }
}
