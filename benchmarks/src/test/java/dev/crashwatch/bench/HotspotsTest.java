package dev.crashwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HotspotsTest {

  @Test
  void classesAreGroupedByTheLibraryOrProjectPackageTheyBelongTo() {
    assertThat(Hotspots.area("org.rocksdb.RocksDB")).isEqualTo("RocksDB");
    assertThat(Hotspots.area("org.apache.kafka.streams.state.internals.RocksDBStore"))
        .isEqualTo("Kafka Streams state stores");
    assertThat(Hotspots.area("org.apache.kafka.streams.processor.internals.StreamTask"))
        .isEqualTo("Kafka Streams runtime");
    assertThat(Hotspots.area("org.apache.kafka.clients.producer.KafkaProducer"))
        .isEqualTo("Kafka clients");
    assertThat(Hotspots.area("org.apache.avro.io.BinaryDecoder")).isEqualTo("Avro");
    assertThat(Hotspots.area("dev.crashwatch.processor.ingest.TelemetryDecoder"))
        .isEqualTo("crashwatch processor.ingest");
    assertThat(Hotspots.area("java.util.HashMap")).isEqualTo("JDK");
    assertThat(Hotspots.area("com.example.Thing")).isEqualTo("com.example");
  }
}
