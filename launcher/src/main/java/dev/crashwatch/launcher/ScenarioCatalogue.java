package dev.crashwatch.launcher;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import dev.crashwatch.simulator.scenario.Scenario;
import java.time.Instant;
import java.util.List;

/**
 * A scenario's components as the operator's catalogue entries (component id to vendor and module):
 * what ops would write before the fleet reports. Used by the runs of {@code simulate}, {@code demo}
 * and the benchmarks.
 */
public final class ScenarioCatalogue {

  private ScenarioCatalogue() {}

  public static List<CatalogueEntry> entries(Scenario scenario, Instant updatedAt) {
    return scenario.fleet().components().stream()
        .map(
            c ->
                CatalogueClient.entry(
                    c.id(),
                    c.vendor(),
                    c.module() == null ? List.of() : List.of(c.module()),
                    updatedAt))
        .toList();
  }
}
