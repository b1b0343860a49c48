package dev.crashwatch.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Builds the registry client's {@link SSLContext} from Confluent's truststore/keystore keys. */
final class SslContexts {
  private SslContexts() {}

  /** Empty when neither a truststore nor a keystore is configured: the JDK defaults apply. */
  static Optional<SSLContext> fromConfig(SerdeConfig config) {
    String trustPath = config.getString(SerdeConfig.SSL_TRUSTSTORE_LOCATION);
    String keyPath = config.getString(SerdeConfig.SSL_KEYSTORE_LOCATION);
    if (isBlank(trustPath) && isBlank(keyPath)) {
      return Optional.empty();
    }
    try {
      TrustManagerFactory tmf = null;
      if (!isBlank(trustPath)) {
        KeyStore trust =
            load(
                SerdeConfig.SSL_TRUSTSTORE_LOCATION,
                trustPath,
                config.getString(SerdeConfig.SSL_TRUSTSTORE_TYPE),
                chars(config.getPassword(SerdeConfig.SSL_TRUSTSTORE_PASSWORD)));
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (!isBlank(keyPath)) {
        char[] storePassword = chars(config.getPassword(SerdeConfig.SSL_KEYSTORE_PASSWORD));
        char[] keyPassword = chars(config.getPassword(SerdeConfig.SSL_KEY_PASSWORD));
        KeyStore keys =
            load(
                SerdeConfig.SSL_KEYSTORE_LOCATION,
                keyPath,
                config.getString(SerdeConfig.SSL_KEYSTORE_TYPE),
                storePassword);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyPassword != null ? keyPassword : storePassword);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return Optional.of(context);
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot build the registry's TLS context: " + e);
    }
  }

  private static KeyStore load(String key, String path, String type, char[] password) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key, path, "unsupported keystore type " + type + ": " + e);
    }
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      store.load(in, password);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      // IOException covers both a missing file and a wrong password (Java reports the latter so).
      throw new ConfigException(key, path, "cannot read " + type + " keystore: " + e);
    }
  }

  private static char[] chars(Password password) {
    return password == null ? null : password.value().toCharArray();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
