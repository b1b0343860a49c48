package dev.crashwatch.access;

import dev.crashwatch.localstack.Secrets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A principal's client configuration as a Crashwatch properties file ({@code --config FILE}): the
 * bootstrap servers, the registry settings and the {@code kafka.*} security properties, password
 * included. Written with permissions 0600: the file is how a password reaches a client, so that it
 * never appears on a command line or a console.
 */
public final class ClientConfigFile {

  private ClientConfigFile() {}

  /** The {@code kafka.}-prefixed form of Kafka client properties. */
  public static Map<String, String> kafkaKeys(Map<String, String> clientProperties) {
    Map<String, String> out = new TreeMap<>();
    clientProperties.forEach((k, v) -> out.put("kafka." + k, v));
    return out;
  }

  /** Writes {@code settings}, sorted, to {@code file} (0600). */
  public static void write(Path file, String principal, Map<String, String> settings) {
    StringBuilder text =
        new StringBuilder("# Crashwatch client settings of principal ")
            .append(principal)
            .append(". Contains its password: keep it readable by its owner only.\n");
    new TreeMap<>(settings)
        .forEach((k, v) -> text.append(escape(k)).append('=').append(escape(v)).append('\n'));
    Secrets.writeOwnerOnly(file, text.toString());
  }

  // java.util.Properties syntax: backslashes, and the characters that would end a key or start a
  // comment.
  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '=', ':', '#', '!' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
