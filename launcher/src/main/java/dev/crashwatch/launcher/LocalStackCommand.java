package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the embedded broker and registry on their own, for trying emitters and processors by hand.
 */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded Kafka broker and schema registry with the default topics, print their"
          + " addresses, and run until stopped (Ctrl-C); then delete their files."
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

  @Override
  public Integer call() throws Exception {
    try (LocalStack stack = LocalStack.start(dataDir)) {
      Topics topics = Topics.defaults();
      EmbeddedTopics.create(stack, topics, partitions);
      System.out.printf(
          "--bootstrap-servers %s --schema-registry-url %s%n",
          stack.bootstrapServers(), stack.schemaRegistryUrl());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "local-stack-stop"));
      stop.await();
    }
    return 0;
  }
}
