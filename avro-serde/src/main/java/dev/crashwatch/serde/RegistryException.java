package dev.crashwatch.serde;

/**
 * The schema registry refused a request or could not be reached. Carries the HTTP status and the
 * Confluent {@code error_code} from the answer body when there was an answer.
 */
public class RegistryException extends SerdeException {
  private static final long serialVersionUID = 1L;

  /** Used for {@link #status()} and {@link #errorCode()} when there was no HTTP answer. */
  public static final int NONE = -1;

  private final String url;
  private final int status;
  private final int errorCode;

  public RegistryException(
      SerdeError error, String message, String url, int status, int errorCode, Throwable cause) {
    super(error, message, cause);
    this.url = url;
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The request URL. */
  public String url() {
    return url;
  }

  /** The HTTP status, or {@link #NONE} if the registry did not answer. */
  public int status() {
    return status;
  }

  /** Confluent's {@code error_code} (e.g. 40403 schema not found), or {@link #NONE}. */
  public int errorCode() {
    return errorCode;
  }
}
