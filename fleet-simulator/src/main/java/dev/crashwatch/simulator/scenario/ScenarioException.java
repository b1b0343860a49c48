package dev.crashwatch.simulator.scenario;

/**
 * A scenario file that cannot be read or does not match the format. The message is {@code source:
 * path: reason}, for example {@code bad.json: fleet.rings[1].share: must be between 0 and 1, was
 * 1.7}; a command line prints it and exits with 2.
 */
public class ScenarioException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String path;
  private final String reason;

  public ScenarioException(String source, String path, String reason) {
    this(source, path, reason, null);
  }

  public ScenarioException(String source, String path, String reason, Throwable cause) {
    super(path == null ? source + ": " + reason : source + ": " + path + ": " + reason, cause);
    this.source = source;
    this.path = path;
    this.reason = reason;
  }

  /** The file name (or whatever name the text was given). */
  public String source() {
    return source;
  }

  /**
   * The JSON path of the offending field, such as {@code rollouts[0].fault.after}; {@code $} for
   * the document itself, {@code null} when the file could not be read at all.
   */
  public String path() {
    return path;
  }

  /** Why the field is wrong, without source and path. */
  public String reason() {
    return reason;
  }
}
