package dev.crashwatch.config;

/**
 * One documented configuration key with its default. Every key a component reads is declared as a
 * {@code Setting}, so that unknown keys in a file can be refused and {@code --help} and the README
 * can list them all.
 *
 * @param key dotted name, e.g. {@code topic.boots}; the environment variable is derived from it
 * @param defaultValue the value when nothing overrides it; null means required
 * @param doc one sentence for humans
 */
public record Setting(String key, String defaultValue, String doc) {

  /**
   * The environment variable that overrides this key: {@code topic.boots ->
   * CRASHWATCH_TOPIC_BOOTS}.
   */
  public String envName() {
    return envName(key);
  }

  public static String envName(String key) {
    return "CRASHWATCH_"
        + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
