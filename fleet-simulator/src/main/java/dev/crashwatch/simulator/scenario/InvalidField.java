package dev.crashwatch.simulator.scenario;

/**
 * A field that breaks the format, thrown inside the loader and turned into a {@link
 * ScenarioException} where the source name is known.
 */
final class InvalidField extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  InvalidField(String path, String reason) {
    super(JsonPaths.display(path) + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  String path() {
    return path;
  }

  String reason() {
    return reason;
  }
}
