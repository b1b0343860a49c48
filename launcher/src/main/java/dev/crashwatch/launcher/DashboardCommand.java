package dev.crashwatch.launcher;

import dev.crashwatch.dashboard.Dashboard;
import dev.crashwatch.dashboard.DashboardSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Serves the SOC dashboard, built on the output topics, until stopped. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the SOC dashboard: active signals with their evidence and history, crash rate"
          + " against baseline per version, exposure per ring, dead letters; live.",
      "It reads the output topics from the beginning (read_committed), so it can start at any"
          + " time. Settings: defaults, then --config FILE, then CRASHWATCH_* environment"
          + " variables (kafka.* pass through to the consumer), then the options below."
    })
final class DashboardCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP port (setting dashboard.port, default 8080; 0 picks a free one).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    var raw = cluster.load(DashboardSettings.DECLARED);
    if (port != null) {
      raw = raw.with("dashboard.port", String.valueOf(port), "--port");
    }
    DashboardSettings settings = new DashboardSettings(raw);
    Dashboard dashboard = Dashboard.start(settings);
    // On SIGTERM or Ctrl-C the hook closes the server and the consumer; the JVM exits after it.
    Runtime.getRuntime().addShutdownHook(new Thread(dashboard::close, "dashboard-stop"));
    System.out.printf(
        "dashboard on http://localhost:%d/ reading %s, %s, %s and %s on %s%n",
        dashboard.port(),
        settings.topics().rollbackSignals(),
        settings.topics().spikeAlerts(),
        settings.topics().versionHealth(),
        settings.topics().deadLetters(),
        settings.bootstrapServers());
    new CountDownLatch(1).await(); // serves until the JVM is stopped
    return 0;
  }
}
