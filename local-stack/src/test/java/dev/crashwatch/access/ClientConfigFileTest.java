package dev.crashwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigFileTest {

  @TempDir Path dir;

  @Test
  void valuesWithPropertiesSyntaxRoundTripAndTheFileIsTheOwnersAlone() throws Exception {
    Map<String, String> settings =
        Map.of(
            "kafka.sasl.jaas.config", ScramClient.jaasConfig("vendor.acme", "p=w:d#!\\x\"y"),
            "bootstrap.servers", "127.0.0.1:9093",
            "schema.registry.url", "https://127.0.0.1:8443/apis/ccompat/v7");
    Path file = dir.resolve("secrets").resolve("vendor.acme.properties");
    ClientConfigFile.write(file, "vendor.acme", settings);

    Properties loaded = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      loaded.load(in);
    }
    assertThat(loaded).containsExactlyInAnyOrderEntriesOf(settings);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
  }
}
