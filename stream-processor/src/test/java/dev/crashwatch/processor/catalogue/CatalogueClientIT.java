package dev.crashwatch.processor.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/** The catalogue client on the real broker and registry: what {@code crashwatch catalogue} does. */
class CatalogueClientIT {

  private final LocalStack stack = LocalStack.shared();

  @Test
  void addReplaceRemoveAndList() {
    String topic = "catalogue-" + UUID.randomUUID();
    stack.createTopics(1, topic);
    CatalogueClient client =
        new CatalogueClient(
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            EventSerdes.connect(stack.schemaRegistryUrl()),
            topic);
    Instant now = Instant.parse("2024-07-19T03:00:00Z");
    client.put(
        List.of(
            CatalogueClient.entry("acme.sensor", "acme", List.of("acmesensor.sys"), now),
            CatalogueClient.entry("gpu-driver", "vortex", List.of(), now)));
    client.put(List.of(CatalogueClient.entry("gpu-driver", "vortex", List.of("vtxgpu.sys"), now)));
    client.remove("acme.sensor");

    Map<String, CatalogueEntry> entries = client.list(Duration.ofSeconds(30));
    assertThat(entries).containsOnlyKeys("gpu-driver");
    assertThat(entries.get("gpu-driver").getVendor()).isEqualTo("vortex");
    assertThat(entries.get("gpu-driver").getModules()).containsExactly("vtxgpu.sys");
  }

  @Test
  void malformedEntriesAreRefusedWithTheReason() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> CatalogueClient.entry("a|b", "acme", List.of(), now))
        .hasMessageContaining("component 'a|b'");
    assertThatThrownBy(() -> CatalogueClient.entry("acme.sensor", "../evil", List.of(), now))
        .hasMessageContaining("vendor '../evil'");
    assertThatThrownBy(() -> CatalogueClient.entry("acme.sensor", "acme", List.of("a/b.sys"), now))
        .hasMessageContaining("module 'a/b.sys'");
  }
}
