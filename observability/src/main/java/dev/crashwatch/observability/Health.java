package dev.crashwatch.observability;

/**
 * The answer of a liveness or readiness check.
 *
 * @param up whether the check passes (HTTP 200) or not (HTTP 503)
 * @param detail one line for people: what was checked and what was found
 */
public record Health(boolean up, String detail) {

  public static Health up(String detail) {
    return new Health(true, detail);
  }

  public static Health down(String detail) {
    return new Health(false, detail);
  }
}
