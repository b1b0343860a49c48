package dev.crashwatch.launcher;

import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.catalogue.CatalogueClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code crashwatch catalogue list|add|remove}: the operator's component catalogue, the only source
 * of which vendor owns a component (and so which vendor feed carries it) and of its modules.
 */
@Command(
    name = "catalogue",
    mixinStandardHelpOptions = true,
    description = {
      "List, add or remove entries of the component catalogue (component id -> vendor, modules).",
      "Vendor feeds carry only catalogued components; devices never decide who owns one."
    },
    subcommands = {
      CatalogueCommand.ListEntries.class,
      CatalogueCommand.Add.class,
      CatalogueCommand.Remove.class
    })
final class CatalogueCommand {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A catalogue client on the cluster of {@code cluster}, with its security settings. */
  static CatalogueClient client(ClusterOptions cluster) {
    var raw = cluster.load(ProcessorSettings.DECLARED);
    return new CatalogueClient(
        ClientSettings.kafka(raw),
        ClientSettings.serdes(raw),
        new ProcessorSettings(raw).topics().catalogue());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every entry.")
  static final class ListEntries implements Callable<Integer> {
    @Mixin ClusterOptions cluster;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, CatalogueEntry> entries = client(cluster).list(TIMEOUT);
      var out = spec.commandLine().getOut();
      for (CatalogueEntry e : entries.values()) {
        out.printf(
            "%-32s vendor %-16s modules %s%n",
            e.getComponent(),
            e.getVendor(),
            e.getModules().isEmpty() ? "-" : String.join(",", e.getModules()));
      }
      out.printf("%d components%n", entries.size());
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a component, or replace its entry.")
  static final class Add implements Callable<Integer> {
    @Mixin ClusterOptions cluster;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "COMPONENT", description = "Component id.")
    String component;

    @Option(names = "--vendor", required = true, description = "Vendor that owns it.")
    String vendor;

    @Option(
        names = "--module",
        paramLabel = "M",
        description = "A module (file) of the component; repeatable.")
    List<String> modules = new ArrayList<>();

    @Override
    public Integer call() {
      CatalogueEntry entry;
      try {
        entry = CatalogueClient.entry(component, vendor, modules, Instant.now());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      client(cluster).put(List.of(entry));
      spec.commandLine()
          .getOut()
          .printf(
              "catalogued %s: vendor %s, modules %s%n",
              component, vendor, modules.isEmpty() ? "-" : String.join(",", modules));
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a component.")
  static final class Remove implements Callable<Integer> {
    @Mixin ClusterOptions cluster;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "COMPONENT", description = "Component id.")
    String component;

    @Override
    public Integer call() {
      client(cluster).remove(component);
      spec.commandLine().getOut().printf("removed %s from the catalogue%n", component);
      return 0;
    }
  }
}
