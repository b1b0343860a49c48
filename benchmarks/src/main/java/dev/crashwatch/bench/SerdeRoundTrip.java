package dev.crashwatch.bench;

import dev.crashwatch.events.SensorHealth;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SensorMode;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.serde.SpecificModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the project's serde (registry wire format: magic byte, schema id, Avro binary; schema looked
 * up once and cached) against plain Avro binary encoding of the same records with a reused encoder
 * and decoder, no header, no registry. The records are sensor heartbeats, most of the traffic,
 * shaped as the simulator makes them. Run by {@link SerdeComparison}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeRoundTrip {

  private static final int DISTINCT = 1024;
  private static final String TOPIC = "sensor-heartbeats";

  /** The registry the serde registers and looks up its schema in (set by the runner). */
  @Param("")
  public String registryUrl;

  private SensorHeartbeat[] records;
  private byte[][] wire;
  private byte[][] plain;
  private Serializer<SensorHeartbeat> serializer;
  private Deserializer<SensorHeartbeat> deserializer;
  // The same trusted model the serde uses (SpecificModels): Avro's default one refuses to load
  // classes of a package not named in org.apache.avro.SERIALIZABLE_PACKAGES. Read with Avro's fast
  // reader, as the serde reads: the ratio is then the serde's own cost (header, schema id lookup),
  // not a difference of readers.
  private final SpecificDatumWriter<SensorHeartbeat> writer =
      new SpecificDatumWriter<>(
          SensorHeartbeat.getClassSchema(), SpecificModels.forClass(SensorHeartbeat.class));
  private final DatumReader<SensorHeartbeat> reader =
      SpecificModels.fastReader(
          SensorHeartbeat.getClassSchema(),
          SensorHeartbeat.getClassSchema(),
          SensorHeartbeat.class);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
  private BinaryEncoder encoder;
  private BinaryDecoder decoder;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    EventSerdes serdes = EventSerdes.connect(registryUrl);
    serializer = serdes.value(SensorHeartbeat.class).serializer();
    deserializer = serdes.value(SensorHeartbeat.class).deserializer();
    records = new SensorHeartbeat[DISTINCT];
    wire = new byte[DISTINCT][];
    plain = new byte[DISTINCT][];
    for (int i = 0; i < DISTINCT; i++) {
      records[i] = heartbeat(i);
      wire[i] = serializer.serialize(TOPIC, records[i]);
      plain[i] = plainEncode(records[i]);
    }
  }

  static SensorHeartbeat heartbeat(int i) {
    return SensorHeartbeat.newBuilder()
        .setEventId(UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString())
        .setDeviceId(String.format("dev-%07d", i * 7919 % 100_000))
        .setTenantId("tenant-" + i % 40)
        .setRing(i % 10 == 0 ? "canary" : i % 3 == 0 ? "early" : "broad")
        .setVendor("acme")
        .setProduct("acme.sensor")
        .setAgentVersion(i % 3 == 0 ? "7.10.17706" : "7.11.18110")
        .setContentVersion("290")
        .setMode(SensorMode.KERNEL)
        .setHealth(SensorHealth.OK)
        .setTime(Instant.parse("2024-07-19T04:00:00Z").plusSeconds(i))
        .setComponents(
            Map.of(
                "acme.sensor",
                i % 3 == 0 ? "7.10.17706" : "7.11.18110",
                "acme.sensor-content",
                "290"))
        .build();
  }

  private byte[] plainEncode(SensorHeartbeat r) throws IOException {
    buffer.reset();
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    writer.write(r, encoder);
    encoder.flush();
    return buffer.toByteArray();
  }

  private int nextIndex() {
    next = (next + 1) & (DISTINCT - 1);
    return next;
  }

  @Benchmark
  public byte[] serdeSerialize() {
    return serializer.serialize(TOPIC, records[nextIndex()]);
  }

  @Benchmark
  public byte[] plainAvroSerialize() throws IOException {
    return plainEncode(records[nextIndex()]);
  }

  @Benchmark
  public SensorHeartbeat serdeDeserialize() {
    return deserializer.deserialize(TOPIC, wire[nextIndex()]);
  }

  @Benchmark
  public SensorHeartbeat plainAvroDeserialize() throws IOException {
    decoder = DecoderFactory.get().binaryDecoder(plain[nextIndex()], decoder);
    return reader.read(null, decoder);
  }
}
