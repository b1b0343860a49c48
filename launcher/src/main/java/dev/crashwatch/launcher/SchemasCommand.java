package dev.crashwatch.launcher;

import dev.crashwatch.config.Settings;
import dev.crashwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ops step of a secured deployment, whose emitters and processor only look schema ids up: every
 * schema registered under its subject before they start.
 */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = "Schema registry operations.",
    subcommands = {SchemasCommand.Register.class})
final class SchemasCommand {

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register every event schema under its topic's subject (<topic>-value), one per vendor"
            + " feed too; already registered schemas keep their ids. Run it as ops before"
            + " emitters and processors that have schema.registry.auto.register=false.",
        "Settings: --config FILE (schema.registry.url, its TLS and basic auth), then CRASHWATCH_*"
            + " variables."
      })
  static final class Register implements Callable<Integer> {

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = "Settings file (the registry's URL, TLS and basic auth; topic names).")
    Path config;

    @Option(
        names = "--schema-registry-url",
        paramLabel = "URL",
        description = "Schema registry (or schema.registry.url in --config).")
    String schemaRegistryUrl;

    @Option(
        names = "--vendor",
        paramLabel = "NAME",
        description = "Also register the health feed of this vendor; repeatable.")
    List<String> vendors = List.of();

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
      Settings settings =
          ClientSettings.withAddresses(
              ClientSettings.load(Optional.ofNullable(config)), null, schemaRegistryUrl);
      Topics topics = Topics.from(settings);
      List<String> feeds = new ArrayList<>();
      for (String vendor : vendors) {
        feeds.add(topics.vendorHealth(vendor));
      }
      Map<String, Integer> ids =
          SchemaRegistration.register(ClientSettings.serdes(settings).registry(), topics, feeds);
      ids.forEach((subject, id) -> out.printf("  %-40s id %d%n", subject, id));
      // Not the URL: it may carry user:password@.
      out.printf("%d subjects registered%n", ids.size());
      return 0;
    }
  }
}
