package dev.crashwatch.config;

/** A configuration problem; the message names the key and where its value came from. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
