package dev.crashwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  private static final List<Setting> DECLARED =
      List.of(
          new Setting("topic.boots", "device-boots", "Boots topic."),
          new Setting("detector.min.devices", "5", "Minimum crashed devices."),
          new Setting("detector.window", "PT10M", "Window."),
          new Setting("detector.enabled", "true", "Switch."),
          new Setting("bootstrap.servers", null, "Required, no default."));

  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingOverrides() {
    Settings s = Settings.defaults(DECLARED);
    assertThat(s.getString("topic.boots")).isEqualTo("device-boots");
    assertThat(s.getInt("detector.min.devices")).isEqualTo(5);
    assertThat(s.getDuration("detector.window")).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.getBoolean("detector.enabled")).isTrue();
    assertThat(s.originOf("topic.boots")).isEqualTo("default");
  }

  @Test
  void aFileOverridesDefaultsAndTheEnvironmentOverridesTheFile() throws IOException {
    Path file = write("topic.boots=boots-from-file\ndetector.min.devices=7\n");
    Settings s =
        Settings.load(
            DECLARED,
            Optional.of(file),
            Map.of("CRASHWATCH_DETECTOR_MIN_DEVICES", "9", "PATH", "/bin"));
    assertThat(s.getString("topic.boots")).isEqualTo("boots-from-file");
    assertThat(s.originOf("topic.boots")).contains("file");
    assertThat(s.getInt("detector.min.devices")).isEqualTo(9);
    assertThat(s.originOf("detector.min.devices"))
        .isEqualTo("environment CRASHWATCH_DETECTOR_MIN_DEVICES");
  }

  @Test
  void kafkaKeysPassThroughFromFileAndEnvironment() throws IOException {
    Path file = write("kafka.linger.ms=20\n");
    Settings s =
        Settings.load(
            DECLARED, Optional.of(file), Map.of("CRASHWATCH_KAFKA_SECURITY_PROTOCOL", "SSL"));
    assertThat(s.kafkaOverrides())
        .containsEntry("linger.ms", "20")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void anUnknownKeyInAFileIsRefusedByName() throws IOException {
    Path file = write("detector.min.device=7\n");
    assertThatThrownBy(() -> Settings.load(DECLARED, Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'detector.min.device'")
        .hasMessageContaining(file.toString());
  }

  @Test
  void variablesOfTheScriptTheLoggingAndTheTestsAreNotSettings() {
    Settings s =
        Settings.load(
            DECLARED,
            Optional.empty(),
            Map.of(
                "CRASHWATCH_JAVA_OPTS", "-Xmx64m",
                "CRASHWATCH_LOG_FILE", "/tmp/x.log",
                "CRASHWATCH_CONSOLE_LOG_LEVEL", "INFO",
                "CRASHWATCH_STACK", "embedded"));
    assertThat(s.getString("detector.window")).isEqualTo("PT10M");
  }

  @Test
  void anUnknownEnvironmentVariableIsRefusedByName() {
    assertThatThrownBy(
            () -> Settings.load(DECLARED, Optional.empty(), Map.of("CRASHWATCH_TOPIC_BOOT", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CRASHWATCH_TOPIC_BOOT");
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndItsOrigin() {
    Settings s =
        Settings.load(
            DECLARED, Optional.empty(), Map.of("CRASHWATCH_DETECTOR_WINDOW", "10 minutes"));
    assertThatThrownBy(() -> s.getDuration("detector.window"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "detector.window: expected an ISO-8601 duration such as PT10M, was '10 minutes'"
                + " (from environment CRASHWATCH_DETECTOR_WINDOW)");
    Settings t = s.with("detector.enabled", "yes", "--enabled");
    assertThatThrownBy(() -> t.getBoolean("detector.enabled"))
        .hasMessageContaining("detector.enabled");
  }

  @Test
  void aMissingRequiredValueSaysHowToSetIt() {
    assertThatThrownBy(() -> Settings.defaults(DECLARED).getString("bootstrap.servers"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrap.servers: required")
        .hasMessageContaining("CRASHWATCH_BOOTSTRAP_SERVERS");
  }

  @Test
  void anUnreadableFileIsNamed() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> Settings.load(DECLARED, Optional.of(missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.properties");
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("crashwatch.properties");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aVariableEndingInFileReadsTheSecretFromThatFile() throws IOException {
    Path secret = dir.resolve("jaas");
    Files.writeString(secret, "ScramLoginModule required username=\"u\" password=\"pw-42\";\n");
    Settings s =
        Settings.load(
            DECLARED,
            Optional.empty(),
            Map.of("CRASHWATCH_KAFKA_SASL_JAAS_CONFIG_FILE", secret.toString()));
    assertThat(s.kafkaOverrides())
        .containsEntry(
            "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"pw-42\";");
    assertThat(s.kafkaClientSecurity()).containsOnlyKeys("sasl.jaas.config");
    assertThat(s.originOf("kafka.sasl.jaas.config"))
        .contains(secret.toString())
        .contains("CRASHWATCH_KAFKA_SASL_JAAS_CONFIG_FILE");
  }

  @Test
  void anUnreadableSecretFileNamesTheVariableAndThePath() {
    Path missing = dir.resolve("no-such-secret");
    assertThatThrownBy(
            () ->
                Settings.load(
                    DECLARED,
                    Optional.empty(),
                    Map.of("CRASHWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("CRASHWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void anInvalidSecretIsNotQuoted() {
    List<Setting> declared = List.of(new Setting("store.password", "", "A secret."));
    Settings s =
        Settings.load(
            declared, Optional.empty(), Map.of("CRASHWATCH_STORE_PASSWORD", "hunter2-secret"));
    assertThatThrownBy(() -> s.getInt("store.password"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.password")
        .hasMessageNotContaining("hunter2-secret");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "kafka.processing.guarantee, at_least_once, exactly-once",
    "kafka.enable.idempotence, false, idempotent",
    "kafka.producer.enable.idempotence, false, idempotent",
    "kafka.acks, 1, acks=all",
    "kafka.retries, 0, retries > 0",
    "kafka.max.in.flight.requests.per.connection, 6, in flight",
    "kafka.main.consumer.isolation.level, read_uncommitted, read_committed",
    "kafka.transactional.id, fixed, Kafka Streams"
  })
  void overridesThatWeakenTheGuaranteesAreRefusedFromEverySource(
      String key, String value, String why) throws IOException {
    Path file = write(key + "=" + value + "\n");
    assertThatThrownBy(() -> Settings.load(DECLARED, Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(why);
    String variable = Setting.envName(key);
    assertThatThrownBy(() -> Settings.load(DECLARED, Optional.empty(), Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(variable);
    assertThatThrownBy(() -> Settings.defaults(DECLARED).with(key, value, "--option"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--option");
  }

  @Test
  void overridesThatKeepTheGuaranteesPass() {
    Settings s =
        Settings.load(
            DECLARED,
            Optional.empty(),
            Map.of(
                "CRASHWATCH_KAFKA_ACKS", "all",
                "CRASHWATCH_KAFKA_ENABLE_IDEMPOTENCE", "true",
                "CRASHWATCH_KAFKA_PROCESSING_GUARANTEE", "exactly_once_v2",
                "CRASHWATCH_KAFKA_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION", "5"));
    assertThat(s.kafkaOverrides()).containsEntry("acks", "all").hasSize(4);
  }
}
