package dev.crashwatch.serde;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.config.ConfigException;

/** The HTTP basic-auth header for {@code basic.auth.user.info} ({@code user:password}). */
final class BasicAuth {
  private BasicAuth() {}

  /**
   * {@code Basic base64(user:password)}, UTF-8 as in RFC 7617. The password may contain ':' (only
   * the first one separates), the user may not.
   */
  static String header(String userInfo) {
    if (userInfo == null || userInfo.indexOf(':') <= 0) {
      // Never echo the value: it holds a password.
      throw new ConfigException(
          SerdeConfig.BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
    }
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }
}
