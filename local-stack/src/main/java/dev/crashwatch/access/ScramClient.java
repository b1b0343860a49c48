package dev.crashwatch.access;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client properties of a principal that authenticates with SCRAM-SHA-512 over TLS: what
 * every producer, consumer and admin client of a secured deployment needs beside {@code
 * bootstrap.servers}.
 */
public final class ScramClient {

  private ScramClient() {}

  /**
   * @param user the SCRAM user name
   * @param password its password
   * @param truststore the CA certificates to trust (a PKCS12 file)
   * @param truststorePassword the truststore's password
   */
  public static Map<String, String> properties(
      String user, String password, Path truststore, String truststorePassword) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.putAll(login(user, password));
    p.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
    p.put("ssl.truststore.password", truststorePassword);
    p.put("ssl.truststore.type", "PKCS12");
    return p;
  }

  /** The SASL properties alone: {@code sasl.mechanism} and {@code sasl.jaas.config}. */
  public static Map<String, String> login(String user, String password) {
    return Map.of(
        "sasl.mechanism",
        AccessProvisioner.MECHANISM,
        "sasl.jaas.config",
        jaasConfig(user, password));
  }

  /** The {@code sasl.jaas.config} line of a SCRAM login. */
  public static String jaasConfig(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + quote(user)
        + "\" password=\""
        + quote(password)
        + "\";";
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
