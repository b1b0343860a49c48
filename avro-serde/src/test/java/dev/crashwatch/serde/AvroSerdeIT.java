package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.serde.testdata.SampleEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.junit.jupiter.api.Test;

/**
 * The serde through the real broker and registry of local-stack: round trips, subject strategies,
 * caching, schema evolution and every error a consumer can meet.
 */
class AvroSerdeIT {
  private final String url = TopicIo.stack().schemaRegistryUrl();
  private final Map<String, Object> serdeConfig = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url);

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void genericRecordsRoundTripThroughATopicWithKafkaInstantiatedSerde() throws Exception {
    String topic = TopicIo.newTopic("generic");
    List<GenericRecord> sent = range(10).stream().map(i -> Samples.generic(Samples.V2, i)).toList();
    try (var producer = new KafkaProducer<String, Object>(TopicIo.producerConfig(serdeConfig))) {
      for (GenericRecord r : sent) {
        producer.send(new ProducerRecord<>(topic, "device-1", r)).get();
      }
    }
    try (var consumer =
        new KafkaConsumer<String, GenericRecord>(TopicIo.consumerConfig(serdeConfig))) {
      List<GenericRecord> received = TopicIo.consume(consumer, topic, sent.size());
      // GenericData.equals compares by schema and values, whatever the string class (Utf8).
      assertThat(received).isEqualTo(sent);
    }
  }

  @Test
  void specificRecordsRoundTripThroughATopic() {
    String topic = TopicIo.newTopic("specific");
    List<SampleEvent> sent = range(10).stream().map(Samples::specific).toList();
    AvroSerde<SampleEvent> serde = new AvroSerde<>(SampleEvent.class);
    serde.configure(serdeConfig, false);
    TopicIo.produce(topic, serde.serializer(), sent);
    assertThat(TopicIo.consume(topic, serde.deserializer(), sent.size())).isEqualTo(sent);

    // The same records through the reflective path: specific.avro.reader=true, no class given.
    var config =
        TopicIo.consumerConfig(
            Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url, SerdeConfig.SPECIFIC_AVRO_READER, "true"));
    try (var consumer = new KafkaConsumer<String, SampleEvent>(config)) {
      assertThat(TopicIo.consume(consumer, topic, sent.size())).isEqualTo(sent);
    }
  }

  @Test
  void topicNameStrategyRegistersUnderTopicKeyAndValue() {
    String topic = TopicIo.newTopic("strategy-topic");
    var key = new AvroSerializer<GenericRecord>();
    key.configure(serdeConfig, true);
    var value = new AvroSerializer<SampleEvent>();
    value.configure(serdeConfig, false);
    Schema keySchema =
        SchemaBuilder.record("DeviceKey").namespace("it").fields().requiredString("id").endRecord();
    GenericRecord keyRecord = new GenericData.Record(keySchema);
    keyRecord.put("id", "device-1");

    int keyId = WireFormat.schemaId(key.serialize(topic, keyRecord), topic);
    int valueId = WireFormat.schemaId(value.serialize(topic, Samples.specific(1)), topic);

    RegistryClient fresh = RegistryClient.forUrl(url);
    assertThat(fresh.lookupId(topic + "-key", keySchema)).isEqualTo(keyId);
    assertThat(fresh.lookupId(topic + "-value", Samples.V2)).isEqualTo(valueId);
  }

  @Test
  void recordNameStrategyRegistersUnderTheRecordName() {
    // A record name of its own, so that this test's subject is fresh.
    String name = "Strategy" + Long.toHexString(System.nanoTime());
    Schema schema =
        SchemaBuilder.record(name).namespace("it.strategy").fields().requiredInt("n").endRecord();
    GenericRecord record = new GenericData.Record(schema);
    record.put("n", 7);
    var serializer = new AvroSerializer<GenericRecord>();
    serializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            url,
            SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
            "io.confluent.kafka.serializers.subject.RecordNameStrategy"),
        false);

    int id1 = WireFormat.schemaId(serializer.serialize("topic-a", record), "topic-a");
    int id2 = WireFormat.schemaId(serializer.serialize("topic-b", record), "topic-b");

    assertThat(id2).isEqualTo(id1);
    RegistryClient fresh = RegistryClient.forUrl(url);
    assertThat(fresh.lookupId("it.strategy." + name, schema)).isEqualTo(id1);
    assertThatThrownBy(() -> fresh.lookupId("topic-a-value", schema))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_NOT_REGISTERED));
  }

  @Test
  void noHttpAfterWarmUp() {
    String topic = "cache-" + System.nanoTime(); // the serde alone: no topic needed
    RegistryClient client = RegistryClient.forUrl(url);
    AvroSerde<SampleEvent> specific = new AvroSerde<>(client, SampleEvent.class);
    AvroSerde<GenericRecord> generic = new AvroSerde<>(client);
    SampleEvent event = Samples.specific(3);
    GenericRecord record = Samples.generic(Samples.V2, 3);

    // Warm-up: the registration; its answer also fills the schema-by-id cache.
    generic.deserializer().deserialize(topic, generic.serializer().serialize(topic, record));
    specific.deserializer().deserialize(topic, specific.serializer().serialize(topic, event));
    long warm = client.httpRequestCount();
    assertThat(warm).isBetween(1L, 4L);

    for (int i = 0; i < 1_000; i++) {
      assertThat(
              specific
                  .deserializer()
                  .deserialize(topic, specific.serializer().serialize(topic, event)))
          .isEqualTo(event);
      assertThat(
              generic
                  .deserializer()
                  .deserialize(topic, generic.serializer().serialize(topic, record)))
          .isEqualTo(record);
    }
    assertThat(client.httpRequestCount()).as("HTTP requests after warm-up").isEqualTo(warm);
  }

  @Test
  void readsOldRecordsWithANewerReaderSchema() {
    String topic = TopicIo.newTopic("evolution");
    List<GenericRecord> v1 = range(5).stream().map(i -> Samples.generic(Samples.V1, i)).toList();
    AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
    writer.configure(serdeConfig, false);
    TopicIo.produce(topic, writer, v1);

    // Specific reader (SampleEvent is version 2): the added field takes its default.
    AvroSerde<SampleEvent> specific = new AvroSerde<>(SampleEvent.class);
    specific.configure(serdeConfig, false);
    List<SampleEvent> read = TopicIo.consume(topic, specific.deserializer(), v1.size());
    for (int i = 0; i < read.size(); i++) {
      SampleEvent expected = Samples.specific(i);
      expected.setRing("canary");
      assertThat(read.get(i)).isEqualTo(expected);
    }

    // Generic reader with the version 2 schema: same.
    var generic = AvroDeserializer.withReaderSchema(RegistryClient.forUrl(url), Samples.V2);
    List<GenericRecord> genericRead = TopicIo.consume(topic, generic, v1.size());
    assertThat(genericRead.get(2).get("ring")).hasToString("canary");
    assertThat(genericRead.get(2).get("deviceId")).hasToString("device-2");

    // And the subject evolves to version 2 under the registry's BACKWARD rule.
    AvroSerializer<SampleEvent> v2Writer = new AvroSerializer<>();
    v2Writer.configure(serdeConfig, false);
    byte[] bytes = v2Writer.serialize(topic, Samples.specific(9));
    assertThat(specific.deserializer().deserialize(topic, bytes)).isEqualTo(Samples.specific(9));
  }

  @Test
  void incompatibleSchemaIsRefusedWithATypedError() {
    String topic = "incompatible-" + System.nanoTime();
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(RegistryClient.forUrl(url));
    serializer.serialize(topic, Samples.generic(Samples.V1, 1));
    // A new required field without a default cannot read the old records: BACKWARD refuses it.
    Schema breaking =
        SchemaBuilder.record("SampleEvent")
            .namespace("dev.crashwatch.serde.testdata")
            .fields()
            .requiredString("deviceId")
            .requiredString("operator")
            .endRecord();
    GenericRecord record = new GenericData.Record(breaking);
    record.put("deviceId", "d");
    record.put("operator", "o");
    assertThatThrownBy(() -> serializer.serialize(topic, record))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.INCOMPATIBLE_SCHEMA))
        .hasMessageContaining(topic + "-value");
  }

  @Test
  void malformedRecordsOnATopicGiveTypedErrors() {
    String topic = TopicIo.newTopic("malformed");
    RegistryClient client = RegistryClient.forUrl(url);
    byte[] good =
        new AvroSerializer<GenericRecord>(client).serialize(topic, Samples.generic(Samples.V2, 1));
    int id = WireFormat.schemaId(good, topic);
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 987_654_321);
    List<byte[]> payloads =
        List.of(
            "{\"deviceId\":\"d1\"}".getBytes(), // JSON, not the wire format
            new byte[] {0, 0, 0}, // shorter than the header
            Arrays.copyOf(good, good.length - 4), // Avro body cut short
            unknownId,
            good);
    TopicIo.produceRaw(topic, payloads);
    List<byte[]> onTopic = TopicIo.consumeRaw(topic, payloads.size());

    AvroDeserializer<GenericRecord> deserializer =
        new AvroDeserializer<>(RegistryClient.forUrl(url));
    List<SerdeError> errors = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (byte[] payload : onTopic) {
      try {
        deserializer.deserialize(topic, payload);
        errors.add(null);
      } catch (SerdeException e) {
        errors.add(e.error());
        messages.add(e.getMessage());
      }
    }
    assertThat(errors)
        .containsExactly(
            SerdeError.BAD_MAGIC_BYTE,
            SerdeError.TRUNCATED,
            SerdeError.TRUNCATED,
            SerdeError.UNKNOWN_SCHEMA_ID,
            null);
    assertThat(messages.get(0)).contains("0x7b ('{')");
    assertThat(messages.get(1)).contains("3 bytes");
    assertThat(messages.get(2)).contains("ends early").contains("schema id " + id);
    assertThat(messages.get(3)).contains("987654321").contains(url);
  }

  @Test
  void consumerSurfacesTheTypedErrorToDeserializationHandlers() {
    String topic = TopicIo.newTopic("poison");
    TopicIo.produceRaw(topic, List.of(new byte[] {1, 2, 3, 4, 5, 6}));
    try (var consumer =
        new KafkaConsumer<String, GenericRecord>(TopicIo.consumerConfig(serdeConfig))) {
      assertThatThrownBy(() -> TopicIo.consume(consumer, topic, 1))
          .isInstanceOf(RecordDeserializationException.class)
          .cause()
          .isInstanceOfSatisfying(
              SerdeException.class,
              e -> assertThat(e.error()).isEqualTo(SerdeError.BAD_MAGIC_BYTE));
    }
  }

  @Test
  void recordsThatDoNotMatchTheirSchemaNameTheProblem() {
    String topic = "mismatch-" + System.nanoTime();
    RegistryClient client = RegistryClient.forUrl(url);
    GenericRecord missing = Samples.generic(Samples.V2, 1);
    missing.put("site", null);
    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client).serialize(topic, missing))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("site");

    // Bytes of another record type read as SampleEvent: the writer cannot be resolved.
    Schema other =
        SchemaBuilder.record("Other").namespace("it").fields().requiredInt("n").endRecord();
    GenericRecord o = new GenericData.Record(other);
    o.put("n", 1);
    byte[] bytes = new AvroSerializer<GenericRecord>(client).serialize(topic + "-other", o);
    assertThatThrownBy(
            () -> new AvroDeserializer<>(client, SampleEvent.class).deserialize(topic, bytes))
        .isInstanceOfSatisfying(
            SerdeException.class, e -> assertThat(e.error()).isEqualTo(SerdeError.SCHEMA_MISMATCH))
        .hasMessageContaining("it.Other")
        .hasMessageContaining("dev.crashwatch.serde.testdata.SampleEvent");
  }

  @Test
  void unreachableRegistryIsNamedAfterRetries() throws Exception {
    byte[] good =
        new AvroSerializer<GenericRecord>(RegistryClient.forUrl(url))
            .serialize("unreachable", Samples.generic(Samples.V2, 1));
    String dead = "http://127.0.0.1:" + RegistryClientHttpTest.freePort() + "/apis/ccompat/v7";
    var deserializer = new AvroDeserializer<GenericRecord>();
    deserializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL, dead,
            SerdeConfig.MAX_RETRIES, "2",
            SerdeConfig.RETRIES_WAIT_MS, "10"),
        false);
    assertThatThrownBy(() -> deserializer.deserialize("unreachable", good))
        .isInstanceOfSatisfying(
            SerdeException.class,
            e -> assertThat(e.error()).isEqualTo(SerdeError.REGISTRY_UNREACHABLE))
        .hasMessageContaining(dead)
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("ConnectException");
    assertThat(deserializer.client().httpRequestCount()).isEqualTo(3);
  }
}
