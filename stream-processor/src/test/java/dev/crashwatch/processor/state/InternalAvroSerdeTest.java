package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InternalAvroSerdeTest {

  private final InternalAvroSerde<DeviceState> serde = new InternalAvroSerde<>(DeviceState.class);

  @Test
  void oneSerializerWritesALargeRecordThenASmallOneWithoutCarryingBytesOver() {
    Serializer<DeviceState> serializer = serde.serializer();
    Deserializer<DeviceState> deserializer = serde.deserializer();
    DeviceState large = state(200);
    DeviceState small = state(1);

    byte[] first = serializer.serialize("t", large);
    byte[] second = serializer.serialize("t", small);

    assertThat(second.length).isLessThan(first.length / 10);
    assertThat(deserializer.deserialize("t", first)).isEqualTo(large);
    assertThat(deserializer.deserialize("t", second)).isEqualTo(small);
    assertThat(first[0]).isEqualTo(InternalAvroSerde.FORMAT_V1);
  }

  /**
   * Kafka Streams builds a repartition topic's serializer and deserializer once per topology and
   * calls the same two objects from every stream thread: with two threads, a buffer kept per
   * serializer mixed their records up (found by {@code bench processor} at num.stream.threads=2).
   */
  @Test
  void oneSerializerAndDeserializerServeSeveralThreadsAtOnce() throws Exception {
    Serializer<DeviceState> serializer = serde.serializer();
    Deserializer<DeviceState> deserializer = serde.deserializer();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        DeviceState mine = state(1 + t * 7); // a different size per thread
        mismatches.add(
            pool.submit(
                () -> {
                  start.await();
                  int wrong = 0;
                  for (int i = 0; i < 20_000; i++) {
                    byte[] bytes = serializer.serialize("t", mine);
                    try {
                      if (!mine.equals(deserializer.deserialize("t", bytes))) {
                        wrong++;
                      }
                    } catch (SerializationException e) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> wrong : mismatches) {
        assertThat(wrong.get(60, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readsNestedMapsAndArraysIntoStringsAsTheGeneratedClassDeclares() {
    DeviceState read =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", state(3)));

    assertThat(read.getVersions()).containsEntry("component-2", "1.2");
    assertThat(read.getCrashedOn().get("component-1")).containsExactly("0x50", "0x116");
    assertThat(read.getCrashMinutes().get("component-0")).containsEntry("4", 5L);
    assertThat(read.getVersions().keySet().iterator().next()).isInstanceOf(String.class);
  }

  /**
   * The strings of decoded records are shared ({@link CanonicalStrings}): two states of devices on
   * the same versions point at the same string objects, keys and values alike.
   */
  @Test
  void recordsReadOnOneThreadShareTheirStrings() {
    byte[] bytes = serde.serializer().serialize("t", state(3));

    DeviceState one = serde.deserializer().deserialize("t", bytes);
    DeviceState other = serde.deserializer().deserialize("t", bytes);

    assertThat(other).isEqualTo(one).isNotSameAs(one);
    assertThat(other.getTenantId()).isSameAs(one.getTenantId());
    assertThat(other.getVersions().get("component-2"))
        .isSameAs(one.getVersions().get("component-2"));
    String key =
        one.getVersions().keySet().stream().filter("component-1"::equals).findFirst().get();
    assertThat(other.getVersions().keySet()).anySatisfy(k -> assertThat(k).isSameAs(key));
    assertThat(other.getCrashMinutes().get("component-0").keySet().iterator().next())
        .isSameAs(one.getCrashMinutes().get("component-0").keySet().iterator().next());
  }

  /**
   * The serializer hands each record to its class's generated encoder: it must write the bytes
   * Avro's schema-walking writer does, or stores and changelogs written before would no longer
   * read. Random records (Avro's own generator, a fixed seed) of every internal type.
   */
  @ParameterizedTest
  @ValueSource(
      classes = {
        DeviceState.class,
        VersionStats.class,
        StatsKey.class,
        VersionDelta.class,
        KnownVersions.class,
        SignalStateRecord.class,
        SequentialEvidenceRecord.class
      })
  <T extends SpecificRecordBase> void writesTheBytesOfAvrosSchemaWalkingWriter(Class<T> type)
      throws IOException {
    Schema schema = SpecificData.get().getSchema(type);
    Serializer<T> serializer = new InternalAvroSerde<>(type).serializer();
    DatumReader<T> reader = SpecificModels.fastReader(schema, schema, type);
    SpecificDatumWriter<T> walking =
        new SpecificDatumWriter<>(schema, SpecificModels.forClass(type));
    assertThat(SpecificModels.withGeneratedEncoders(type).useCustomCoders()).isTrue();
    int records = 0;
    for (Object random : new RandomData(GenericData.get(), schema, 300, 20261204L)) {
      // generic records hold Utf8 strings; the generated classes declare String
      T record =
          reader.read(
              null,
              DecoderFactory.get()
                  .binaryDecoder(encode(new GenericDatumWriter<>(schema), random), null));
      byte[] expected = encode(walking, record);

      byte[] written = serializer.serialize("t", record);

      assertThat(written[0]).isEqualTo(InternalAvroSerde.FORMAT_V1);
      assertThat(Arrays.copyOfRange(written, 1, written.length))
          .as("%s record %d", type.getSimpleName(), records)
          .isEqualTo(expected);
      records++;
    }
    assertThat(records).isEqualTo(300);
  }

  private static <D> byte[] encode(DatumWriter<D> writer, D datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  @Test
  void refusesBytesWithoutItsFormatByte() {
    byte[] bytes = serde.serializer().serialize("t", state(1));
    bytes[0] = 7;

    assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("DeviceState")
        .hasMessageContaining("unknown format byte");
  }

  @Test
  void everyKeyOfAKindStartsWithThatKindsPrefixAndNoOtherKindsDoes() {
    InternalAvroSerde<StatsKey> keys = new InternalAvroSerde<>(StatsKey.class);
    for (StatsKeyKind kind : StatsKeyKind.values()) {
      byte[] prefix = InternalAvroSerde.enumPrefix(kind.ordinal());
      for (StatsKeyKind other : StatsKeyKind.values()) {
        byte[] key =
            keys.serializer()
                .serialize(
                    "t",
                    StatsKey.newBuilder()
                        .setKind(other)
                        .setComponent("kernel")
                        .setVersion("1.0")
                        .build());
        assertThat(startsWith(key, prefix))
            .as("%s key under %s prefix", other, kind)
            .isEqualTo(other == kind);
      }
    }
  }

  @Test
  void enumPrefixIsAvrosZigZagVarint() {
    assertThat(InternalAvroSerde.enumPrefix(0)).containsExactly(1, 0);
    assertThat(InternalAvroSerde.enumPrefix(1)).containsExactly(1, 2);
    assertThat(InternalAvroSerde.enumPrefix(64)).containsExactly(1, 0x80, 0x01);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static DeviceState state(int components) {
    Map<String, String> versions = new HashMap<>();
    Map<String, List<String>> crashedOn = new HashMap<>();
    Map<String, Map<String, Long>> minutes = new HashMap<>();
    for (int i = 0; i < components; i++) {
      versions.put("component-" + i, "1." + i);
      crashedOn.put("component-" + i, List.of("0x50", "0x116"));
      minutes.put("component-" + i, Map.of("4", 5L));
    }
    return DeviceState.newBuilder()
        .setTenantId("tenant-a")
        .setRing("canary")
        .setVersions(versions)
        .setLastSeenBucket(12L)
        .setCrashedOn(crashedOn)
        .setCrashMinutes(minutes)
        .setReportMinutes(Map.of())
        .setSuspectSince(0L)
        .setSilentOn(Map.of())
        .setSilentAmong(Map.of())
        .setSilentBucket(0L)
        .setHealth("OK")
        .build();
  }
}
