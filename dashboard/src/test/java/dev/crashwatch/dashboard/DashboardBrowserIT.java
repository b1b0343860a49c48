package dev.crashwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.config.Settings;
import dev.crashwatch.emitter.TelemetryEmitter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.CrashwatchTopology;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.simulator.FleetSimulator;
import dev.crashwatch.simulator.SimulationResult;
import dev.crashwatch.simulator.scenario.Scenario;
import dev.crashwatch.simulator.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The dashboard in a real headless browser (Debian's chromium, driven by Selenium through Debian's
 * chromedriver) on the real pipeline: the shared in-process KRaft broker and Apicurio registry, the
 * real stream processor with exactly-once, and the fleet simulator playing a smaller copy of a
 * faulty scenario, in lock-step with the processor as {@code crashwatch simulate} runs. The
 * dashboard and the page start before any telemetry exists, so everything the page shows arrives
 * live: the HALT (without a reload), the chart of the signalled version drawn from its health
 * snapshots, and its ring table. Measures the time from a signal being readable on its topic to it
 * being painted on the page, and saves a screenshot in target/.
 */
class DashboardBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCENARIO = Path.of("../scenarios/faulty-driver-rollout.json");
  private static final int DEVICES = 4_000;
  private static final Path SCREENSHOT = Path.of("target/dashboard-halt.png");
  private static final Path END_SCREENSHOT = Path.of("target/dashboard-end.png");

  static {
    // Selenium logs through java.util.logging, straight to the console: into the test log instead
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  private final LocalStack stack = LocalStack.shared();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** Closed last-opened first. */
  private final java.util.Deque<AutoCloseable> resources = new java.util.ArrayDeque<>();

  @AfterEach
  void stop() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  @Test
  void aHaltAppearsLiveWithTheChartOfItsVersionAndItsRingTable() throws Exception {
    ChromeDriver browser = startBrowser();
    Settings settings = settings();
    Topics topics = Topics.from(settings);
    createTopics(topics);

    DashboardSettings dashboardSettings =
        new DashboardSettings(
            Settings.load(DashboardSettings.DECLARED, Optional.empty(), Map.of())
                .with("bootstrap.servers", stack.bootstrapServers(), "test")
                .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
                .with("dashboard.port", "0", "test")
                .with("dashboard.bind.address", "127.0.0.1", "test")
                .with("topic.rollback.signals", topics.rollbackSignals(), "test")
                .with("topic.spike.alerts", topics.spikeAlerts(), "test")
                .with("topic.version.health", topics.versionHealth(), "test")
                .with("topic.dead.letters", topics.deadLetters(), "test"));
    Dashboard dashboard = Dashboard.start(dashboardSettings);
    resources.push(dashboard);
    await("the dashboard reads the four output topics")
        .atMost(Duration.ofSeconds(30))
        .until(() -> dashboard.topicsFound().size() == 4 && dashboard.ready());

    browser.get("http://127.0.0.1:" + dashboard.port() + "/");
    JavascriptExecutor js = browser;
    await("the page follows the server's events")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "live".equals(text(js, "#connection")));
    long loadedAt = ((Number) js.executeScript("return window.crashwatch.loadedAt")).longValue();
    assertThat(count(js, "#signal-log tbody tr")).isZero();
    assertThat(metric(dashboard.port(), "crashwatch_dashboard_event_streams"))
        .as("the page's event stream, counted")
        .isGreaterThanOrEqualTo(1);
    double signalsReadBefore =
        metric(
            dashboard.port(),
            "crashwatch_dashboard_records_read_total",
            settings.getString("topic.rollback.signals"));

    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    SignalWatch watch =
        new SignalWatch(
            OutputConsumerConfig.of(settings, "dashboard-it-watch"),
            serdes,
            topics.rollbackSignals());
    resources.push(watch);
    StreamProcessor processor = new StreamProcessor(new ProcessorSettings(settings));
    resources.push(processor);
    processor.start();
    await("stream processor running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> processor.streams().state() == KafkaStreams.State.RUNNING);

    Scenario scenario = ScenarioLoader.load(SCENARIO).withDevices(DEVICES);
    String app = settings.getString("application.id");
    List<String> read = new ArrayList<>(topics.inputs());
    read.add(app + "-" + CrashwatchTopology.VERSION_DELTAS + "-repartition");
    read.add(app + "-" + CrashwatchTopology.DETECTOR_INPUT + "-repartition");
    TelemetryEmitter emitter =
        new TelemetryEmitter(stack.bootstrapServers(), serdes, topics, Map.of());
    resources.push(emitter);
    LockStep lockStep = new LockStep(stack.bootstrapServers(), app, read);
    resources.push(lockStep);
    // The fleet plays on while the test watches the page, as an analyst would.
    CompletableFuture<SimulationResult> replay =
        CompletableFuture.supplyAsync(
            () ->
                new FleetSimulator(scenario, emitter, topics)
                    .inLockStep(lockStep, Duration.ofMinutes(1), false)
                    .run(Duration.ofHours(1), at -> {}));

    SignalWatch.Seen halt =
        await("a HALT on the rollback-signals topic")
            .atMost(Duration.ofMinutes(3))
            .until(
                () -> watch.seen().stream().filter(s -> s.action().equals("HALT")).findFirst(),
                Optional::isPresent)
            .orElseThrow();
    assertThat(halt.consumedAt()).isGreaterThan(loadedAt);

    // The HALT is painted on the page that was loaded before it existed: no reload.
    String haltRow = "#signal-log tr[data-signal-id='" + halt.signalId() + "']";
    await("the HALT " + halt.signalId() + " on the page")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "HALT".equals(text(js, haltRow + " .badge")));
    assertThat(((Number) js.executeScript("return window.crashwatch.loadedAt")).longValue())
        .as("the page was not reloaded")
        .isEqualTo(loadedAt);
    assertThat(
            ((Number) js.executeScript("return performance.getEntriesByType('navigation').length"))
                .intValue())
        .isEqualTo(1);

    // The chart of the signalled version, drawn by Chart.js from its health snapshots.
    String haltKey = halt.signalId().substring(0, halt.signalId().indexOf("/e"));
    // Pick it in the version list as an analyst would (by script: the list is re-rendered live).
    js.executeScript(
        "const s = document.getElementById('version'); s.value = arguments[0];"
            + " s.dispatchEvent(new Event('change'));",
        haltKey);
    await("the chart of " + haltKey + " drawn with data points")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ((Number)
                            js.executeScript(
                                "const c = Chart.getChart('rate-chart');"
                                    + " return c ? c.data.datasets[0].data.length : 0"))
                        .intValue()
                    >= 2);
    long markers =
        ((Number)
                js.executeScript(
                    "return Chart.getChart('rate-chart').data.datasets[2].data.length"))
            .longValue();
    assertThat(markers).as("signal moments marked on the chart").isGreaterThanOrEqualTo(1);
    await("the ring table of " + haltKey)
        .atMost(Duration.ofSeconds(30))
        .until(() -> count(js, "#ring-table tbody tr") > 0);
    assertThat(text(js, "#ring-time")).contains(haltKey);
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        SCREENSHOT,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(replay).as("the HALT was seen while the fleet still played").isNotDone();

    SimulationResult result = replay.get(5, TimeUnit.MINUTES);
    System.out.printf(
        "simulated %s with %,d devices in lock-step with the processor: %,d events, %,d crashes"
            + " in %.1f s%n",
        scenario.name(),
        DEVICES,
        result.events(),
        result.crashes(),
        result.wallTime().toMillis() / 1e3);

    // Every signal the test read from the topic is painted on the page; how long each took.
    // Caught up: the health snapshots have reached the end of the scenario's simulated time.
    long end = scenario.end().minus(Duration.ofMinutes(5)).toEpochMilli();
    await("the processor catches up with the scenario")
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                dashboard.view().versions().stream()
                        .mapToLong(VersionOption::lastSnapshot)
                        .max()
                        .orElse(0)
                    >= end);
    List<SignalWatch.Seen> seen = watch.seen();
    await("every signal on the page")
        .atMost(Duration.ofSeconds(30))
        .until(() -> shownAt(js, seen).size() == seen.size());
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        END_SCREENSHOT,
        StandardCopyOption.REPLACE_EXISTING);
    Map<String, Long> shown = shownAt(js, seen);
    List<Long> all = new ArrayList<>();
    List<Long> halts = new ArrayList<>();
    for (SignalWatch.Seen s : seen) {
      long latency = shown.get(s.signalId()) - s.consumedAt();
      all.add(latency);
      if (s.action().equals("HALT")) {
        halts.add(latency);
      }
    }
    System.out.printf(
        "dashboard latency, signal readable on the topic to painted on the page: median %d ms over"
            + " %d signals (min %d, max %d); HALT: %s ms; screenshots %s, %s%n",
        median(all),
        all.size(),
        all.stream().mapToLong(Long::longValue).min().orElseThrow(),
        all.stream().mapToLong(Long::longValue).max().orElseThrow(),
        halts,
        SCREENSHOT.toAbsolutePath(),
        END_SCREENSHOT.getFileName());
    assertThat(all.size()).as("several signals measured").isGreaterThanOrEqualTo(3);
    assertThat(median(all)).as("median ms from topic to page").isLessThan(5_000);
    assertThat(dashboard.failure()).isNull();
    assertThat(
            metric(
                dashboard.port(),
                "crashwatch_dashboard_records_read_total",
                settings.getString("topic.rollback.signals")))
        .as("rollback signals read, on /metrics")
        .isGreaterThanOrEqualTo(signalsReadBefore + all.size());
    assertThat(metric(dashboard.port(), "kafka_consumer_fetch_manager_records_consumed_total"))
        .as("the reader's own Kafka metrics")
        .isPositive();

    // A dashboard started after everything happened rebuilds the same view from the topics.
    try (Dashboard late = Dashboard.start(dashboardSettings)) {
      await("a dashboard started late rebuilds the view")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(late.view().activeSignals()).isEqualTo(dashboard.view().activeSignals());
                assertThat(late.view().signalLog()).hasSameSizeAs(seen);
                assertThat(late.view().versions()).isEqualTo(dashboard.view().versions());
                assertThat(late.view().deadLetters())
                    .isNotEmpty()
                    .isEqualTo(dashboard.view().deadLetters());
              });
    }
  }

  /**
   * The text of the first element matching {@code selector}, or null: read in one script, because
   * the page re-renders its tables on every event and an element found a moment ago may be gone.
   */
  private static String text(JavascriptExecutor js, String selector) {
    return (String)
        js.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            selector);
  }

  private static long count(JavascriptExecutor js, String selector) {
    return ((Number)
            js.executeScript("return document.querySelectorAll(arguments[0]).length;", selector))
        .longValue();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> shownAt(JavascriptExecutor js, List<SignalWatch.Seen> seen) {
    Map<String, Object> all =
        (Map<String, Object>) js.executeScript("return window.crashwatch.shownAt");
    Map<String, Long> out = new java.util.HashMap<>();
    for (SignalWatch.Seen s : seen) {
      Object at = all.get(s.signalId());
      if (at != null) {
        out.put(s.signalId(), ((Number) at).longValue());
      }
    }
    return out;
  }

  private ChromeDriver startBrowser() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "the browser test needs Debian's chromium and chromium-driver ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "): install them with `apt-get install -y chromium chromium-driver`");
    }
    // Both paths are given, so Selenium Manager (which would try to download) is never asked.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    Path profile = Files.createTempDirectory("dashboard-it-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1600,1150",
        "--user-data-dir=" + profile);
    ChromeDriver driver = new ChromeDriver(service, options);
    resources.push(driver::quit);
    return driver;
  }

  private Settings settings() throws Exception {
    return Settings.load(ProcessorSettings.DECLARED, Optional.empty(), Map.of())
        .with("bootstrap.servers", stack.bootstrapServers(), "test")
        .with("schema.registry.url", stack.schemaRegistryUrl(), "test")
        .with("application.id", "dashboard-it-" + run, "test")
        // As the launcher's lock-step runs: every step's records are in before the processor
        // catches up, and short commits keep each step's wait (one per hop) short.
        .with("kafka.max.task.idle.ms", "0", "test")
        .with("kafka.commit.interval.ms", "20", "test")
        .with(
            "state.dir",
            Files.createTempDirectory(Path.of("target"), "streams-").toString(),
            "test")
        .with("topic.boots", "boots-" + run, "test")
        .with("topic.crashes", "crashes-" + run, "test")
        .with("topic.heartbeats", "heartbeats-" + run, "test")
        .with("topic.dead.letters", "dead-letters-" + run, "test")
        .with("topic.rollback.signals", "rollback-signals-" + run, "test")
        .with("topic.spike.alerts", "spike-alerts-" + run, "test")
        .with("topic.version.health", "version-health-" + run, "test")
        .with("topic.catalogue", "catalogue-" + run, "test")
        .with("topic.vendor.health.prefix", "vendor-health-" + run + ".", "test");
  }

  /**
   * The outputs as production has them: rollback-signals and version-health compacted; and the
   * operator's (empty) component catalogue, which the processor reads.
   */
  private void createTopics(Topics topics) throws Exception {
    stack.createTopics(1, topics.boots(), topics.crashes(), topics.heartbeats());
    stack.createTopics(1, topics.deadLetters(), topics.spikeAlerts());
    Map<String, String> compacted =
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.rollbackSignals(), 1, (short) 1).configs(compacted),
                  new NewTopic(topics.versionHealth(), 1, (short) 1).configs(compacted),
                  new NewTopic(topics.catalogue(), 1, (short) 1).configs(compacted)))
          .all()
          .get();
    }
  }

  /**
   * The sum of the series of {@code name} on the dashboard's /metrics (those with {@code
   * topic="<topic>"} when a topic is given).
   */
  private static double metric(int port, String name, String... topic) throws Exception {
    String body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        if (topic.length == 0 || line.contains("topic=\"" + topic[0] + "\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
