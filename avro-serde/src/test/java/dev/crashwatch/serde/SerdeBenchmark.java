package dev.crashwatch.serde;

import dev.crashwatch.localstack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Serialize + deserialize throughput of our serde against plain Avro binary encoding and decoding
 * of the same records (reused encoder and decoder, no header, no registry): what the wire format
 * and the registry lookups cost after warm-up. Not a test; run it on a quiet machine:
 *
 * <pre>
 * mvn -q -pl local-stack -am install -DskipTests
 * mvn -q -pl avro-serde test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java \
 *     -Dexec.classpathScope=test -Dexec.mainClass=dev.crashwatch.serde.SerdeBenchmark \
 *     [-Dexec.args="http://127.0.0.1:8081"]
 * </pre>
 *
 * Without a registry URL it starts local-stack's broker and registry and stops them at the end.
 */
public final class SerdeBenchmark {
  private static final int DISTINCT_RECORDS = 10_000;
  private static final int RECORDS_PER_ROUND = 200_000;
  private static final int WARM_UP_ROUNDS = 5;
  private static final int MEASURED_ROUNDS = 10;
  private static final String TOPIC = "serde-benchmark";

  private final List<GenericRecord> records =
      IntStream.range(0, DISTINCT_RECORDS).mapToObj(i -> Samples.generic(Samples.V1, i)).toList();

  /** Defeats dead-code elimination. */
  private long sink;

  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      new SerdeBenchmark().run(args[0]);
      return;
    }
    // A system temp directory: exec:java runs in Maven's working directory, not the module's.
    Path dir = Files.createTempDirectory("serde-benchmark-stack-");
    try (LocalStack stack = LocalStack.start(dir)) {
      new SerdeBenchmark().run(stack.schemaRegistryUrl());
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Best effort: the registry child may still be removing its own files as we walk. */
  private static void deleteRecursively(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            file.toFile().delete();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) {
            d.toFile().delete();
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void run(String registryUrl) throws IOException {
    RegistryClient client = RegistryClient.forUrl(registryUrl);
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(client);
    AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>(client);
    deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, records.get(0)));
    long requestsAfterWarmUp = client.httpRequestCount();

    Plain plain = new Plain(Samples.V1);
    List<Double> ours = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    for (int round = 0; round < WARM_UP_ROUNDS + MEASURED_ROUNDS; round++) {
      // Alternate within a round, so that drift (JIT, GC, a noisy neighbour) hits both alike.
      double o = rate(() -> oursRound(serializer, deserializer));
      double p = rate(() -> plainRound(plain));
      if (round >= WARM_UP_ROUNDS) {
        ours.add(o);
        baseline.add(p);
      }
      System.out.printf(
          "%s round %2d: serde %,10.0f records/s   plain Avro %,10.0f records/s%n",
          round < WARM_UP_ROUNDS ? "warm-up " : "measured", round, o, p);
    }
    double o = median(ours);
    double p = median(baseline);
    System.out.printf(
        "%nserialize+deserialize, median of %d rounds of %,d records (%d-byte average payload):%n"
            + "  crashwatch serde (wire format, cached registry) %,12.0f records/s%n"
            + "  plain Avro binary (GenericDatumWriter/Reader)   %,12.0f records/s%n"
            + "  ratio serde/plain: %.2f%n"
            + "  registry HTTP requests during measurement: %d (checksum %d)%n",
        MEASURED_ROUNDS,
        RECORDS_PER_ROUND,
        averageSize(serializer),
        o,
        p,
        o / p,
        client.httpRequestCount() - requestsAfterWarmUp,
        sink);
  }

  private void oursRound(
      AvroSerializer<GenericRecord> serializer, AvroDeserializer<GenericRecord> deserializer) {
    for (int i = 0; i < RECORDS_PER_ROUND; i++) {
      byte[] bytes = serializer.serialize(TOPIC, records.get(i % DISTINCT_RECORDS));
      sink += deserializer.deserialize(TOPIC, bytes).hashCode() + bytes.length;
    }
  }

  private void plainRound(Plain plain) {
    for (int i = 0; i < RECORDS_PER_ROUND; i++) {
      byte[] bytes = plain.encode(records.get(i % DISTINCT_RECORDS));
      sink += plain.decode(bytes).hashCode() + bytes.length;
    }
  }

  private interface Round {
    void run() throws IOException;
  }

  private double rate(Round round) throws IOException {
    long start = System.nanoTime();
    round.run();
    return RECORDS_PER_ROUND / ((System.nanoTime() - start) / 1e9);
  }

  private long averageSize(AvroSerializer<GenericRecord> serializer) {
    return records.stream().mapToLong(r -> serializer.serialize(TOPIC, r).length).sum()
        / records.size();
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /** The baseline: Avro binary with a reused encoder, decoder and buffer, as fast as Avro goes. */
  private static final class Plain {
    private final GenericDatumWriter<GenericRecord> writer;
    private final GenericDatumReader<GenericRecord> reader;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    Plain(Schema schema) {
      writer = new GenericDatumWriter<>(schema);
      reader = new GenericDatumReader<>(schema);
    }

    byte[] encode(GenericRecord record) {
      out.reset();
      encoder = EncoderFactory.get().binaryEncoder(out, encoder);
      try {
        writer.write(record, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toByteArray();
    }

    GenericRecord decode(byte[] bytes) {
      decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
      try {
        return reader.read(null, decoder);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
