package dev.crashwatch.serde;

/**
 * The registry answered 409: the schema breaks the compatibility rule of its subject. Both
 * Confluent and Apicurio answer this way; Apicurio may even report compatibility NONE from {@code
 * GET /config} while enforcing BACKWARD, so this answer, not the config, is the truth.
 */
public class IncompatibleSchemaException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public IncompatibleSchemaException(String message, String url, int status, int errorCode) {
    super(SerdeError.INCOMPATIBLE_SCHEMA, message, url, status, errorCode, null);
  }
}
