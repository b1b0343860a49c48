package dev.crashwatch.processor.catalogue;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.processor.CommittedTopicReader;
import dev.crashwatch.processor.ingest.DeviceInput;
import dev.crashwatch.schema.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes the component catalogue topic (compacted, keyed by component id, a tombstone
 * removes): what {@code crashwatch catalogue} and the scenario runner use. Entries are checked
 * before they are written: component ids and vendors are identifiers as the decoder accepts them (a
 * vendor names its feed topic), modules are file names.
 */
public final class CatalogueClient {

  private final Map<String, Object> clientConfig;
  private final EventSerdes serdes;
  private final String topic;

  /**
   * @param clientConfig bootstrap servers and the {@code kafka.*} pass-through settings
   */
  public CatalogueClient(Map<String, Object> clientConfig, EventSerdes serdes, String topic) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.serdes = serdes;
    this.topic = topic;
  }

  /** A checked entry; throws {@link IllegalArgumentException} naming what is wrong. */
  public static CatalogueEntry entry(
      String component, String vendor, List<String> modules, Instant updatedAt) {
    if (!DeviceInput.isIdentifier(component)) {
      throw new IllegalArgumentException(
          "component " + DeviceInput.quoted(component) + " is not an identifier [A-Za-z0-9._-]");
    }
    if (!DeviceInput.isIdentifier(vendor)) {
      throw new IllegalArgumentException(
          "vendor " + DeviceInput.quoted(vendor) + " is not an identifier [A-Za-z0-9._-]");
    }
    for (String m : modules) {
      if (!DeviceInput.isModule(m)) {
        throw new IllegalArgumentException(
            "module " + DeviceInput.quoted(m) + " is not a file name [A-Za-z0-9._$~-]");
      }
    }
    return CatalogueEntry.newBuilder()
        .setComponent(component)
        .setVendor(vendor)
        .setModules(List.copyOf(modules))
        .setUpdatedAt(updatedAt)
        .build();
  }

  /** Writes {@code entries} (each replaces its component's entry) and waits for the broker. */
  public void put(List<CatalogueEntry> entries) {
    try (KafkaProducer<String, CatalogueEntry> producer = producer()) {
      for (CatalogueEntry e : entries) {
        await(producer.send(new ProducerRecord<>(topic, e.getComponent(), e)));
      }
    }
  }

  /** Removes {@code component} (a tombstone). */
  public void remove(String component) {
    try (KafkaProducer<String, CatalogueEntry> producer = producer()) {
      await(producer.send(new ProducerRecord<>(topic, component, null)));
    }
  }

  /** The catalogue as it stands: every component's latest entry, by component id. */
  public Map<String, CatalogueEntry> list(Duration timeout) {
    Deserializer<CatalogueEntry> values = serdes.value(CatalogueEntry.class).deserializer();
    Map<String, CatalogueEntry> out = new TreeMap<>();
    for (ConsumerRecord<String, CatalogueEntry> r :
        CommittedTopicReader.readAll(
            clientConfig, topic, new StringDeserializer(), values, timeout)) {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(r.key(), r.value());
      }
    }
    return out;
  }

  private KafkaProducer<String, CatalogueEntry> producer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(
        config, new StringSerializer(), serdes.value(CatalogueEntry.class).serializer());
  }

  private static void await(java.util.concurrent.Future<?> sent) {
    try {
      sent.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to the catalogue: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out writing to the catalogue", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing to the catalogue", e);
    }
  }
}
