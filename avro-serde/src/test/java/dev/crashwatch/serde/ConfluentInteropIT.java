package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crashwatch.serde.testdata.SampleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with Confluent's own client (Debian's python3-confluent-kafka 1.7.0, module
 * confluent_kafka.avro) through the real broker and registry of local-stack: each side reads what
 * the other wrote, and both write the same bytes for the same record and schema id.
 */
class ConfluentInteropIT {
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final String bootstrap = TopicIo.stack().bootstrapServers();
  private final String registry = TopicIo.stack().schemaRegistryUrl();

  @BeforeAll
  static void needsConfluentsPythonClient() {
    assumeTrue(
        ConfluentPeer.available(),
        ConfluentPeer.PYTHON
            + " cannot import confluent_kafka.avro: install Debian's python3-confluent-kafka"
            + " (and python3-avro) to run the interop tests");
  }

  /** Records as JSON the Python client takes: unions unwrapped, enums as symbols. */
  private static String jsonLines(List<? extends GenericRecord> records) {
    return records.stream().map(GenericData.get()::toString).collect(Collectors.joining("\n"));
  }

  /** Varied records, including the edges: empty array and map, non-ASCII, extreme numbers. */
  private static List<GenericRecord> v1Records() {
    List<GenericRecord> records = new ArrayList<>();
    IntStream.range(0, 6).forEach(i -> records.add(Samples.generic(Samples.V1, i)));
    GenericRecord edge = Samples.generic(Samples.V1, 7);
    edge.put("deviceId", "Gerät-ü-\u00df-\uD83D\uDE80 \"quoted\" \\ back");
    edge.put("timeMs", Long.MIN_VALUE);
    edge.put("bootCount", Integer.MAX_VALUE);
    edge.put("bugcheckParams", List.of());
    edge.put("components", new LinkedHashMap<String, String>());
    edge.put("crashRate", -1.5e300);
    records.add(edge);
    return records;
  }

  @Test
  void confluentConsumerReadsWhatOurSerializerWrote() throws Exception {
    String topic = TopicIo.newTopic("interop-to-python");
    List<SampleEvent> sent = IntStream.range(0, 5).mapToObj(Samples::specific).toList();
    TopicIo.produce(topic, new AvroSerializer<SampleEvent>(RegistryClient.forUrl(registry)), sent);

    List<String> lines =
        ConfluentPeer.script(
                PEER_TIMEOUT,
                "",
                "consume",
                "--bootstrap",
                bootstrap,
                "--registry",
                registry,
                "--topic",
                topic,
                "--count",
                String.valueOf(sent.size()))
            .lines();

    assertThat(lines).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      JsonNode got = JSON.readTree(lines.get(i));
      assertThat(got).isEqualTo(JSON.readTree(sent.get(i).toString()));
      assertThat(got.get("deviceId").asText()).isEqualTo("device-" + i);
      assertThat(got.get("kind").asText()).isEqualTo(sent.get(i).getKind().name());
      assertThat(got.get("site").get("rack").asInt()).isEqualTo(i * 10);
      assertThat(got.get("module").isNull()).isEqualTo(i % 2 == 0);
    }
  }

  @Test
  void ourDeserializerReadsWhatConfluentsProducerWrote() throws Exception {
    String topic = TopicIo.newTopic("interop-from-python");
    List<GenericRecord> sent = v1Records();
    String schemaFile =
        java.nio.file.Path.of("src/test/resources/schemas/SampleEvent-v1.avsc")
            .toAbsolutePath()
            .toString();

    JsonNode produced =
        JSON.readTree(
            ConfluentPeer.script(
                    PEER_TIMEOUT,
                    jsonLines(sent),
                    "produce",
                    "--bootstrap",
                    bootstrap,
                    "--registry",
                    registry,
                    "--topic",
                    topic,
                    "--schema",
                    schemaFile)
                .stdout());
    int pythonId = produced.get("schema_id").asInt();

    List<byte[]> raw = TopicIo.consumeRaw(topic, sent.size());
    assertThat(raw).allSatisfy(b -> assertThat(WireFormat.schemaId(b, topic)).isEqualTo(pythonId));

    // Generic, with the writer's schema: exactly what Python sent.
    var generic = new AvroDeserializer<GenericRecord>(RegistryClient.forUrl(registry));
    for (int i = 0; i < sent.size(); i++) {
      assertThat(generic.deserialize(topic, raw.get(i))).isEqualTo(sent.get(i));
    }
    // Specific, version 2: Python's version-1 records resolved, ring defaulted.
    var specific = new AvroDeserializer<>(RegistryClient.forUrl(registry), SampleEvent.class);
    SampleEvent first = specific.deserialize(topic, raw.get(1));
    SampleEvent expected = Samples.specific(1);
    expected.setRing("canary");
    assertThat(first).isEqualTo(expected);

    // What Python registered is not Avro's canonical text (json.dumps adds spaces, reorders keys);
    // Confluent's registry would map it to the id of the canonical text, Apicurio mints another.
    int javaId = RegistryClient.forUrl(registry).register(topic + "-value", Samples.V1);
    System.out.printf(
        "Python registered %s as id %d; Java's canonical text has id %d%n",
        produced.get("registered_text").asText().substring(0, 60) + "...", pythonId, javaId);
  }

  @Test
  void bothSerializersWriteTheSameBytes() throws Exception {
    String topic = "interop-bytes-" + System.nanoTime();
    RegistryClient client = RegistryClient.forUrl(registry);

    // Generic records of a plain schema, and generated records whose schema carries
    // avro.java.string properties (registered as-is, like Confluent's Java serializer does).
    Map<String, List<? extends GenericRecord>> cases = new LinkedHashMap<>();
    cases.put(topic + "-generic", v1Records());
    cases.put(topic + "-specific", IntStream.range(0, 4).mapToObj(Samples::specific).toList());

    for (var c : cases.entrySet()) {
      AvroSerializer<GenericRecord> ours = new AvroSerializer<>(client);
      List<String> ourHex =
          c.getValue().stream().map(r -> HEX.formatHex(ours.serialize(c.getKey(), r))).toList();
      int id = WireFormat.schemaId(HEX.parseHex(ourHex.get(0)), c.getKey());

      List<String> theirHex =
          ConfluentPeer.script(
                  PEER_TIMEOUT,
                  jsonLines(c.getValue()),
                  "encode",
                  "--registry",
                  registry,
                  "--schema-id",
                  String.valueOf(id))
              .lines();

      assertThat(theirHex).as(c.getKey()).containsExactlyElementsOf(ourHex);
      String header = String.format("00%08x", id);
      assertThat(theirHex).allSatisfy(h -> assertThat(h).startsWith(header));
      System.out.printf(
          "%s: %d records byte-identical, schema id %d, header %s, first record %s%n",
          c.getKey(), ourHex.size(), id, header, ourHex.get(0));
    }
  }
}
