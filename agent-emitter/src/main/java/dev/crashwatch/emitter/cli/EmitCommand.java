package dev.crashwatch.emitter.cli;

import dev.crashwatch.config.ConfigException;
import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.SpoolingEmitter;
import dev.crashwatch.emitter.event.SensorHealth;
import dev.crashwatch.emitter.event.SensorMode;
import dev.crashwatch.emitter.linux.CollectorConfig;
import dev.crashwatch.emitter.linux.ComponentSource;
import dev.crashwatch.emitter.linux.LinuxCollector;
import dev.crashwatch.emitter.linux.SensorSpec;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The emitter daemon of a real Linux host: at start a boot event (with how the previous boot ended)
 * and a crash event if it crashed, then a heartbeat every interval, all through the durable spool,
 * until stopped.
 */
@Command(
    name = "emit",
    mixinStandardHelpOptions = true,
    description = {
      "Run the emitter on this Linux host: boot, crash (from pstore or the previous boot's"
          + " journal) and heartbeat events, spooled on disk while Kafka or the registry is"
          + " unreachable."
    })
public final class EmitCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka (or bootstrap.servers in --config).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description = "Schema registry (or schema.registry.url in --config).")
  String schemaRegistryUrl;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Settings: addresses, kafka.* security (SASL_SSL, the emitter's login), the registry's"
              + " TLS and basic auth; passwords go here or in CRASHWATCH_* variables, never in"
              + " options.")
  Path config;

  @Option(
      names = "--spool-dir",
      paramLabel = "DIR",
      defaultValue = ".crashwatch/spool",
      description = "Durable spool directory (default: ${DEFAULT-VALUE}).")
  Path spoolDir;

  @Option(
      names = "--spool-max-bytes",
      paramLabel = "BYTES",
      defaultValue = "268435456",
      description =
          "Spool size bound; when full, new events are refused and counted (default: ${DEFAULT-VALUE}).")
  long spoolMaxBytes;

  @Option(
      names = "--tenant",
      defaultValue = "default",
      description = "Tenant id (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--ring",
      defaultValue = "broad",
      description = "Rollout ring (default: ${DEFAULT-VALUE}).")
  String ring;

  @Option(names = "--device-id", description = "Device id (default: /etc/machine-id).")
  String deviceId;

  @Option(
      names = "--component",
      paramLabel = "ID=VERSION",
      description =
          "A component and its version, repeatable, e.g. acme.sensor=7.11.18110. The kernel"
              + " is always reported as component 'linux'.")
  Map<String, String> components = new LinkedHashMap<>();

  @Option(
      names = "--vendor",
      defaultValue = "crashwatch",
      description = "Vendor of the sensor the heartbeats are about (default: ${DEFAULT-VALUE}).")
  String vendor;

  @Option(
      names = "--product",
      defaultValue = "linux",
      description = "Component id of that sensor's agent (default: ${DEFAULT-VALUE}, the kernel).")
  String product;

  @Option(
      names = "--heartbeat-every",
      defaultValue = "PT5M",
      description = "ISO-8601 interval between heartbeats (default: ${DEFAULT-VALUE}).")
  Duration heartbeatEvery;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Serve Prometheus /metrics and /health/live, /health/ready on this port.")
  Integer metricsPort;

  @Option(
      names = "--once",
      description = "Send the boot, crash and one heartbeat, deliver them, and exit.")
  boolean once;

  private final PrintStream out = System.out;

  /** Counted down once the spool is closed: what the shutdown hook waits for. */
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * The emitter's own jar ({@code crashwatch-emitter.jar}, what {@code ./crashwatch emit} runs):
   * this command alone, with its own quiet logging ({@link EmitterLogging}: Kafka's lines to the
   * log file).
   */
  public static void main(String[] args) {
    try {
      EmitterLogging.configure(System.getenv());
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("crashwatch emit: cannot set up logging: " + e.getMessage());
      System.exit(2);
    }
    CommandLine cli = new CommandLine(new EmitCommand()).setCommandName("crashwatch emit");
    // A bad option or config value is the user's to fix: print the message, not a stack trace.
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            commandLine.getErr().println("crashwatch emit: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (heartbeatEvery.isNegative() || heartbeatEvery.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--heartbeat-every: must be positive, was " + heartbeatEvery);
    }
    Map<String, ComponentSource> sources = new LinkedHashMap<>();
    components.forEach((id, version) -> sources.put(id, ComponentSource.fixed(version)));
    LinuxCollector collector =
        LinuxCollector.system(new CollectorConfig(deviceId, tenant, ring, sources));
    SensorSpec sensor =
        new SensorSpec(vendor, product, null, SensorMode.UNKNOWN, SensorHealth.UNKNOWN);
    Settings settings =
        EmitterSettings.load(Optional.ofNullable(config), bootstrapServers, schemaRegistryUrl);
    EventSerdes serdes = EventSerdes.connect(RegistrySettings.serdeConfig(settings));
    try {
      return emitUntilStopped(sensor, collector, settings, serdes);
    } finally {
      closed.countDown();
    }
  }

  private int emitUntilStopped(
      SensorSpec sensor, LinuxCollector collector, Settings settings, EventSerdes serdes)
      throws Exception {
    try (SpoolingEmitter emitter =
            new SpoolingEmitter(
                spoolDir,
                SpoolConfig.defaults().withMaxBytes(spoolMaxBytes),
                settings.getString("bootstrap.servers"),
                serdes,
                Topics.from(settings),
                settings.kafkaClientSecurity());
        EmitterEndpoint endpoint =
            metricsPort == null ? null : new EmitterEndpoint(metricsPort, emitter)) {
      var boot = collector.boot();
      emitter.send(boot);
      out.printf(
          "device %s booted %s (boot %s), previous shutdown %s%n",
          boot.deviceId(), boot.bootTime(), boot.bootId(), boot.previousShutdown());
      collector
          .crash()
          .ifPresent(
              crash -> {
                emitter.send(crash);
                out.printf(
                    "previous boot crashed: %s in %s (bucket %s)%n",
                    crash.bugcheckCode(), crash.faultingModule(), crash.bucketId());
              });
      CountDownLatch stop = new CountDownLatch(1);
      // On SIGTERM: stop emitting, then let this thread deliver what it can and close the spool
      // before the JVM exits. It waits for the spool to be closed, not for this thread to end:
      // after --once this thread is the one in System.exit, waiting for the hook.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.countDown();
                    try {
                      closed.await(40, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "emit-stop"));
      do {
        emitter.send(collector.heartbeat(sensor));
      } while (!once && !stop.await(heartbeatEvery.toMillis(), TimeUnit.MILLISECONDS));
      boolean drained = emitter.drain(Duration.ofSeconds(30));
      out.printf(
          "accepted %d events, delivered %d, %d still spooled in %s%n",
          emitter.accepted(), emitter.delivered(), emitter.pending(), spoolDir);
      if (emitter.quarantined() > 0) {
        out.printf(
            "%d spooled events could not be decoded and were not sent: see %s%n",
            emitter.quarantined(), spoolDir.resolve(SpoolingEmitter.QUARANTINE));
      }
      return drained ? 0 : 1;
    }
  }
}
