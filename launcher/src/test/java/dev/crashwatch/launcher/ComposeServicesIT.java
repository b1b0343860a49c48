package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SignalAction;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The project's services of {@code docker-compose.yml}, run as plain processes with exactly the
 * {@code environment:} blocks and commands the file gives them, since no Docker engine runs here.
 * What a container would have differently is mapped, and nothing else: the host names {@code kafka}
 * and {@code schema-registry} to the broker and registry of {@link LocalStack#shared()}, a
 * published container port to a free port of this host (the services share one host here), a
 * volume's mount path to a scratch directory, and the image's working directory to the repository's
 * root. Services start in the order of their {@code depends_on} conditions (completed successfully,
 * or healthy by their own HTTP healthcheck), and the test sees the reference scenario's signal
 * reach the rollback-signals topic.
 *
 * <p>A service whose command this build does not have fails the test by name, after the others ran:
 * the dashboard's comes from its own module.
 */
class ComposeServicesIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String SIGNALLED = "acme.sensor-content@291";

  private final List<CrashwatchProcess> running = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  @Test
  void projectServicesRunWithTheirComposeEnvironmentAndRaiseTheReferenceSignal() throws Exception {
    LocalStack stack = LocalStack.shared();
    ComposeFile compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"), System.getenv());
    List<String> services = compose.projectServices();
    assertThat(services).as("project services").contains("topics", "processor", "simulator");

    String registryBase =
        URI.create(stack.schemaRegistryUrl()).resolve("/").toString().replaceAll("/$", "");
    Map<String, String> hosts = new LinkedHashMap<>();
    hosts.put("kafka:9092", stack.bootstrapServers());
    hosts.put("http://schema-registry:8080", registryBase);

    Map<String, Boolean> completed = new HashMap<>();
    Map<String, String> healthUrls = new HashMap<>();
    Map<String, CrashwatchProcess> processes = new HashMap<>();
    Map<String, String> processorEnv = null;
    List<String> missing = new ArrayList<>();
    var subcommands = new CommandLine(new Crashwatch()).getSubcommands();
    String run = UUID.randomUUID().toString().substring(0, 8);

    for (String name : inDependencyOrder(compose, services)) {
      List<String> command = compose.command(name);
      if (!subcommands.containsKey(command.get(0))) {
        missing.add(name + " (crashwatch " + command.get(0) + ")");
        continue;
      }
      Map<String, String> mapping = new LinkedHashMap<>(hosts);
      for (int port : compose.containerPorts(name)) {
        mapping.put(String.valueOf(port), String.valueOf(freePort()));
      }
      for (var volume : compose.volumeTargets(name).entrySet()) {
        mapping.put(
            volume.getValue(),
            stack.scratchDir("compose-" + run + "-" + name + "-" + volume.getKey()).toString());
      }
      for (var dep : compose.dependsOn(name).entrySet()) {
        awaitCondition(name, dep.getKey(), dep.getValue(), processes, completed, healthUrls);
      }
      Map<String, String> env = new LinkedHashMap<>();
      compose.environment(name).forEach((k, v) -> env.put(k, map(v, mapping)));
      List<String> args = command.stream().map(a -> map(a, mapping)).toList();
      if (name.equals("processor")) {
        processorEnv = env;
      }
      CrashwatchProcess process = CrashwatchProcess.start("compose-" + name, env, args, ROOT);
      running.add(process);
      processes.put(name, process);
      String url = compose.healthcheckUrl(name);
      if (url != null) {
        healthUrls.put(name, map(url, mapping));
      }
    }

    assertThat(processorEnv).as("the processor service ran").isNotNull();
    assertThat(processorEnv).doesNotContainKey("CRASHWATCH_TOPIC_ROLLBACK_SIGNALS");
    List<RollbackSignal> seen = new ArrayList<>();
    try (KafkaConsumer<String, RollbackSignal> consumer = signalConsumer(stack)) {
      consumer.subscribe(List.of("rollback-signals"));
      await("HALT of " + SIGNALLED + " on rollback-signals")
          .atMost(Duration.ofMinutes(6))
          .failFast(
              "the processor or the simulator stopped", () -> !processes.get("processor").isAlive())
          .until(
              () -> {
                for (ConsumerRecord<String, RollbackSignal> r :
                    consumer.poll(Duration.ofMillis(500))) {
                  seen.add(r.value());
                }
                return seen.stream()
                    .anyMatch(
                        s ->
                            SIGNALLED.equals(s.getComponent() + "@" + s.getVersion())
                                && s.getAction() == SignalAction.HALT);
              });
    }
    CrashwatchProcess dashboard = processes.get("dashboard");
    if (dashboard != null) {
      // The dashboard's own JSON view (its module's /api/overview), on the port its healthcheck
      // probes: the signal must reach the page's data, not only the topic.
      URI overview = URI.create(healthUrls.get("dashboard")).resolve("/api/overview");
      await("HALT of " + SIGNALLED + " on the dashboard")
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .failFast("the dashboard exited", () -> !dashboard.isAlive())
          .until(
              () -> {
                String body = Scrape.get(overview).body();
                return body.contains("acme.sensor-content") && body.contains("HALT");
              });
    }
    assertThat(missing)
        .as(
            "compose services whose command this build does not have (they were not started;"
                + " the others were)")
        .isEmpty();
  }

  /** Services so that each comes after the project services it depends on, else file order. */
  private static List<String> inDependencyOrder(ComposeFile compose, List<String> services) {
    List<String> ordered = new ArrayList<>();
    while (ordered.size() < services.size()) {
      int before = ordered.size();
      for (String s : services) {
        if (!ordered.contains(s)
            && compose.dependsOn(s).keySet().stream()
                .filter(services::contains)
                .allMatch(ordered::contains)) {
          ordered.add(s);
        }
      }
      if (ordered.size() == before) {
        throw new IllegalStateException("depends_on has a cycle among " + services);
      }
    }
    return ordered;
  }

  private void awaitCondition(
      String service,
      String dependency,
      String condition,
      Map<String, CrashwatchProcess> processes,
      Map<String, Boolean> completed,
      Map<String, String> healthUrls)
      throws Exception {
    CrashwatchProcess dep = processes.get(dependency);
    if (dep == null) {
      // kafka and schema-registry: the shared local stack, already up; a missing project
      // service is reported at the end.
      return;
    }
    switch (condition) {
      case "service_completed_successfully" -> {
        if (!completed.containsKey(dependency)) {
          int code = dep.awaitExit(Duration.ofMinutes(2));
          assertThat(code)
              .as("%s (needed by %s) exit code; its output:%n%s", dependency, service, dep.tail())
              .isZero();
          completed.put(dependency, true);
        }
      }
      case "service_healthy" -> {
        String url = healthUrls.get(dependency);
        assertThat(url).as("%s has a healthcheck", dependency).isNotNull();
        await(dependency + " healthy for " + service)
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .failFast(dependency + " exited", () -> !dep.isAlive())
            .until(() -> Scrape.get(URI.create(url)).statusCode() == 200);
      }
      default ->
          throw new IllegalArgumentException(
              service + ": depends_on condition " + condition + " is not one this test knows");
    }
  }

  /** {@code value} with every mapped name replaced (host names, ports, paths). */
  private static String map(String value, Map<String, String> mapping) {
    String out = value;
    for (var e : mapping.entrySet()) {
      if (e.getKey().matches("\\d+")) {
        // A port: the whole value, or after a colon in a URL or host:port.
        out =
            out.equals(e.getKey())
                ? e.getValue()
                : out.replace(":" + e.getKey(), ":" + e.getValue());
      } else {
        out = out.replace(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static KafkaConsumer<String, RollbackSignal> signalConsumer(LocalStack stack) {
    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "compose-it-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(
        config, new StringDeserializer(), serdes.value(RollbackSignal.class).deserializer());
  }
}
