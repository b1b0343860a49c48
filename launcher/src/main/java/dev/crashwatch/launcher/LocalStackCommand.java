package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the embedded broker and registry on their own, for trying emitters and processors by hand.
 */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded Kafka broker and schema registry with the default topics, print their"
          + " addresses, and run until stopped (Ctrl-C); then delete their files.",
      "With --secured: TLS listeners (a CA generated now), SCRAM-SHA-512 principals (admin,"
          + " emitter, processor, soc, ops) with their ACLs, the registry over HTTPS, every schema"
          + " registered; each principal's client settings (password included) in a 0600 file."
    })
final class LocalStackCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/local-stack",
      description = "Files of the broker and registry while running (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "3",
      description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--vendor",
      paramLabel = "NAME",
      description = "With --secured: add this vendor (its feed, principal and ACLs); repeatable.")
  List<String> vendors = List.of();

  @Mixin SecuredOption secured;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    ProcessorSettings settings = ProcessorSettings.load(Optional.empty(), System.getenv());
    Topics topics = settings.topics();
    try (LocalStack stack =
        secured.secured
            ? LocalStack.startSecured(
                dataDir, PipelineAccess.plan(topics, settings.applicationId()))
            : LocalStack.start(dataDir)) {
      EmbeddedTopics.create(stack, topics, partitions);
      if (stack.isSecured()) {
        printSecured(stack, topics);
      } else {
        out.printf(
            "--bootstrap-servers %s --schema-registry-url %s%n",
            stack.bootstrapServers(), stack.schemaRegistryUrl());
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "local-stack-stop"));
      stop.await();
    }
    return 0;
  }

  private void printSecured(LocalStack stack, Topics topics) {
    for (String vendor : vendors) {
      stack.addVendor(vendor);
    }
    Settings ops = ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.OPS)));
    Map<String, Integer> ids =
        SchemaRegistration.register(
            ClientSettings.serdes(ops).registry(),
            topics,
            vendors.stream().map(topics::vendorHealth).toList());
    out.printf("Kafka (SASL_SSL, SCRAM-SHA-512)  %s%n", stack.bootstrapServers());
    out.printf("schema registry (HTTPS)          %s%n", stack.schemaRegistryUrl());
    out.printf(
        "CA truststore (PKCS12)           %s%n", stack.certificates().orElseThrow().truststore());
    out.printf("schemas registered by ops        %d subjects%n", ids.size());
    out.println(
        "client settings, one file per principal (0600; each holds its principal's password and"
            + " the truststore's):");
    for (String principal : AccessPlan.FIXED_PRINCIPALS) {
      out.printf("  %-24s %s%n", principal, stack.clientConfigFile(principal));
    }
    for (String vendor : vendors) {
      String principal = AccessPlan.vendorPrincipal(vendor);
      out.printf("  %-24s %s%n", principal, stack.clientConfigFile(principal));
    }
    out.printf(
        "for example: ./crashwatch process --config %s%n"
            + "             ./crashwatch emit --config %s%n"
            + "             ./crashwatch vendors add NAME --config %s%n",
        stack.clientConfigFile(AccessPlan.PROCESSOR),
        stack.clientConfigFile(AccessPlan.EMITTER),
        stack.clientConfigFile(AccessPlan.ADMIN));
  }
}
