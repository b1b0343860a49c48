package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.serde.testdata.SampleEvent;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Serde behaviour that needs no real registry (a scripted one at most). */
class AvroSerdeTest {
  private static final Schema BOOT =
      SchemaBuilder.record("Boot")
          .namespace("t")
          .fields()
          .requiredString("deviceId")
          .requiredLong("timeMs")
          .endRecord();

  private final FakeRegistry fake;
  private final RegistryClient client;

  AvroSerdeTest() throws IOException {
    fake = new FakeRegistry();
    client = new RegistryClient(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, fake.url()));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static GenericRecord boot(String device, long time) {
    GenericRecord r = new GenericData.Record(BOOT);
    r.put("deviceId", device);
    r.put("timeMs", time);
    return r;
  }

  @Test
  void nullIsATombstoneBothWays() {
    assertThat(new AvroSerializer<GenericRecord>(client).serialize("t", null)).isNull();
    assertThat(new AvroDeserializer<GenericRecord>(client).deserialize("t", null)).isNull();
    assertThat(client.httpRequestCount()).isZero();
  }

  @Test
  void roundTripsThroughTheWireFormat() {
    fake.reply(200, "{\"id\":258}");
    AvroSerde<GenericRecord> serde = new AvroSerde<>(client);

    byte[] bytes = serde.serializer().serialize("boots", boot("d1", 42));
    assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 0, 0, 1, 2);
    GenericRecord back = serde.deserializer().deserialize("boots", bytes);

    assertThat(back.get("deviceId")).hasToString("d1");
    assertThat(back.get("timeMs")).isEqualTo(42L);
    assertThat(client.httpRequestCount()).isEqualTo(1); // the registration only
  }

  @Test
  void headerErrorsNeedNoRegistry() {
    AvroDeserializer<GenericRecord> d = new AvroDeserializer<>(client);
    assertThatThrownBy(() -> d.deserialize("t", new byte[] {0, 0, 1}))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.TRUNCATED));
    assertThatThrownBy(() -> d.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.BAD_MAGIC_BYTE))
        .hasMessageContaining("0x01");
    assertThat(client.httpRequestCount()).isZero();
  }

  @Test
  void truncatedAvroBodyIsReportedAsSuch() {
    fake.reply(200, "{\"id\":1}");
    AvroSerde<GenericRecord> serde = new AvroSerde<>(client);
    byte[] bytes = serde.serializer().serialize("boots", boot("device-0001", 1_700_000_000_000L));
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> serde.deserializer().deserialize("boots", cut))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.TRUNCATED))
        .hasMessageContaining("ends early")
        .hasMessageContaining("schema id 1");
  }

  @Test
  void recordNotMatchingItsSchemaNamesTheField() {
    fake.reply(200, "{\"id\":1}");
    GenericRecord incomplete = new GenericData.Record(BOOT);
    incomplete.put("timeMs", 1L);
    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client).serialize("t", incomplete))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("deviceId");

    GenericRecord wrongType = boot("d1", 1);
    wrongType.put("timeMs", "yesterday");
    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client).serialize("t", wrongType))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("timeMs");
  }

  @Test
  void aFailedWriteDoesNotCorruptTheNextRecord() {
    fake.reply(200, "{\"id\":1}");
    AvroSerde<GenericRecord> serde = new AvroSerde<>(client);
    GenericRecord bad = boot("d1", 1);
    bad.put("timeMs", "not a long");
    assertThatThrownBy(() -> serde.serializer().serialize("t", bad))
        .isInstanceOf(SerdeException.class);
    byte[] good = serde.serializer().serialize("t", boot("d2", 2));
    assertThat(serde.deserializer().deserialize("t", good).get("deviceId")).hasToString("d2");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Test
  void onlyAvroRecordsAreSerialized() {
    AvroSerializer raw = new AvroSerializer<>(client);
    assertThatThrownBy(() -> raw.serialize("t", "a plain string"))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void typedSpecificSerdeNeedsNoTrustedPackagesFlag() {
    // Surefire runs without -Dorg.apache.avro.SERIALIZABLE_PACKAGES (failsafe sets it).
    assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
    fake.reply(200, "{\"id\":5}");
    AvroSerde<SampleEvent> serde = new AvroSerde<>(client, SampleEvent.class);
    SampleEvent event = Samples.specific(4);
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)))
        .isEqualTo(event);
  }

  @Test
  void specificReaderByWriterNameNeedsTheTrustedPackageAndSaysSo() {
    fake.reply(200, "{\"id\":5}");
    byte[] bytes = new AvroSerializer<SampleEvent>(client).serialize("t", Samples.specific(1));
    AvroDeserializer<SampleEvent> byName = new AvroDeserializer<>(client);
    byName.configure(
        Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, fake.url(), SerdeConfig.SPECIFIC_AVRO_READER, true),
        false);
    assertThatThrownBy(() -> byName.deserialize("t", bytes))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("org.apache.avro.SERIALIZABLE_PACKAGES")
        .hasMessageContaining("dev.crashwatch.serde.testdata.SampleEvent");
  }
}
