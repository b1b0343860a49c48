package dev.crashwatch.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.config.Settings;
import dev.crashwatch.processor.state.BoundedRocksDbMemory;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigTest {

  private static Properties streamsConfig(Map<String, String> values) {
    Settings raw =
        Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
            .with("bootstrap.servers", "127.0.0.1:9092", "test")
            .with("schema.registry.url", "http://127.0.0.1:8081", "test");
    for (Map.Entry<String, String> e : values.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue(), "test");
    }
    return StreamProcessor.streamsConfig(new ProcessorSettings(raw));
  }

  @Test
  void throughputDefaultsKeepExactlyOnce() {
    Properties props = streamsConfig(Map.of());

    assertThat(new StreamsConfig(props).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(1_000L);
    assertThat(new StreamsConfig(props).getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
        .isEqualTo(64L * 1024 * 1024);
    assertThat(
            new StreamsConfig(props)
                .getProducerConfigs("client")
                .get(ProducerConfig.BATCH_SIZE_CONFIG))
        .isEqualTo(256 * 1024);
    assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }

  @Test
  void rocksDbMemoryIsBoundedByDefaultAndUnboundedAtZero() {
    Properties bounded = streamsConfig(Map.of());
    assertThat(bounded.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDbMemory.class);
    assertThat(bounded.get(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG)).isEqualTo(256L << 20);

    Properties unbounded = streamsConfig(Map.of("rocksdb.memory.bytes", "0"));
    assertThat(unbounded).doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);

    assertThatThrownBy(() -> streamsConfig(Map.of("rocksdb.memory.bytes", "-1")))
        .hasMessageContaining("rocksdb.memory.bytes");
  }

  @Test
  void theKafkaSettingOverridesTheThroughputDefault() {
    Properties props = streamsConfig(Map.of("kafka.commit.interval.ms", "20"));

    assertThat(new StreamsConfig(props).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(20L);
  }
}
