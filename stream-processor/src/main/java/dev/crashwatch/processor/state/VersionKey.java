package dev.crashwatch.processor.state;

/**
 * The key of everything per component version: {@code component@version}, e.g. {@code
 * acme.sensor-content@291}. Component ids never contain {@code @}; versions may, so the first
 * {@code @} splits.
 */
public record VersionKey(String component, String version) {

  public static VersionKey parse(String key) {
    int at = key.indexOf('@');
    if (at <= 0) {
      throw new IllegalArgumentException("not a component@version key: " + key);
    }
    return new VersionKey(key.substring(0, at), key.substring(at + 1));
  }

  public static String of(String component, String version) {
    return component + "@" + version;
  }

  @Override
  public String toString() {
    return of(component, version);
  }
}
