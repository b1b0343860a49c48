package dev.crashwatch.processor.catalogue;

import dev.crashwatch.events.CatalogueEntry;
import java.util.Optional;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The operator's component catalogue as the processor sees it: the global store over the compacted
 * catalogue topic (every instance holds all of it), keyed by component id. The only source of which
 * vendor owns a component and of its modules; devices never decide either.
 */
public final class ComponentCatalogue {

  /** The global store, materialized from the catalogue topic. */
  public static final String STORE = "component-catalogue";

  private final TimestampedKeyValueStore<String, CatalogueEntry> store;

  public ComponentCatalogue(TimestampedKeyValueStore<String, CatalogueEntry> store) {
    this.store = store;
  }

  /** The entry of {@code component}, empty when the catalogue does not know it. */
  public Optional<CatalogueEntry> entry(String component) {
    ValueAndTimestamp<CatalogueEntry> v = store.get(component);
    return v == null ? Optional.empty() : Optional.ofNullable(v.value());
  }
}
