package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceSamplerTest {

  @Test
  void threadsAreCountedForThePartTheirNameSays() {
    assertThat(ResourceSampler.partOf("crashwatch-detector-1a2b-StreamThread-1"))
        .isEqualTo("processor");
    assertThat(ResourceSampler.partOf("main")).isEqualTo("simulator");
    assertThat(ResourceSampler.partOf("kafka-producer-network-thread | producer-1"))
        .isEqualTo("simulator");
    assertThat(ResourceSampler.partOf("data-plane-kafka-request-handler-0"))
        .isEqualTo("broker and the rest");
  }

  @Test
  void measuresTheStateDirectoryTheHeapAndTheResidentSet(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("0_1/rocksdb"));
    Files.write(dir.resolve("0_1/rocksdb/000001.sst"), new byte[300_000]);
    Files.write(dir.resolve("0_1/.checkpoint"), new byte[1_000]);
    ResourceSampler sampler = ResourceSampler.start(dir);
    sampler.close();
    assertThat(sampler.peakStateBytes()).isEqualTo(301_000);
    assertThat(sampler.peakHeapBytes()).isPositive();
    assertThat(sampler.peakRssBytes()).isGreaterThan(sampler.peakHeapBytes() / 2);
    assertThat(sampler.allocationByPart()).contains("simulator");
  }
}
