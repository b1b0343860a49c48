package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalStackIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  private static LocalStack stack;

  @BeforeAll
  static void startSharedStack() {
    stack = LocalStack.shared();
  }

  @Test
  void recordRoundTripsThroughTheBroker() throws Exception {
    String topic = "it-roundtrip";
    stack.createTopics(1, topic);
    stack.createTopics(1, topic); // idempotent

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "device-1", "boot")).get(30, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-roundtrip-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      // A group subscription also exercises the single-replica __consumer_offsets topic.
      consumer.subscribe(List.of(topic));
      await()
          .atMost(WAIT)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
    }
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("device-1");
              assertThat(r.value()).isEqualTo("boot");
            });
  }

  @Test
  void brokerAndRegistryListenOnLoopbackOnly() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
      assertThat(nodes).extracting(Node::host).containsExactly("127.0.0.1");
    }
    assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.schemaRegistryUrl()).startsWith("http://127.0.0.1:");

    int kafkaPort = Integer.parseInt(stack.bootstrapServers().split(":")[1]);
    int registryPort = URI.create(stack.schemaRegistryUrl()).getPort();
    for (int port : new int[] {kafkaPort, registryPort}) {
      assertListensOnLoopbackOnly(port);
    }
  }

  @Test
  void registryStoresSchemaAndReturnsItById() throws Exception {
    String schema = record("Probe", "{\"name\":\"a\",\"type\":\"string\"}");

    HttpResponse<String> registered = register("it-probe-value", schema);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    Matcher id = ID.matcher(registered.body());
    assertThat(id.find()).as(registered.body()).isTrue();

    HttpResponse<String> fetched = get(stack.schemaRegistryUrl() + "/schemas/ids/" + id.group(1));
    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
    assertThat(fetched.body()).contains(jsonString(schema));
  }

  @Test
  void registryEnforcesBackwardCompatibility() throws Exception {
    String subject = "it-compat-value";
    String v1 = record("Compat", "{\"name\":\"a\",\"type\":\"string\"}");
    // New required field: a reader of v2 cannot read v1 data.
    String incompatible =
        record("Compat", "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    String compatible =
        record(
            "Compat",
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");

    assertThat(register(subject, v1).statusCode()).isEqualTo(200);
    HttpResponse<String> rejected = register(subject, incompatible);
    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(409);
    assertThat(register(subject, compatible).statusCode()).isEqualTo(200);
  }

  @Test
  void registryDiesWhenItsParentJvmIsKilled() throws Exception {
    Path dir = Path.of("target", "orphan-test-" + UUID.randomUUID()).toAbsolutePath();
    Process parent =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-XX:-UsePerfData",
                "-Dcrashwatch.test.log=registry-child",
                "-cp",
                System.getProperty("java.class.path"),
                RegistryChildMain.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    List<String> output = new CopyOnWriteArrayList<>();
    AtomicLong registryPid = new AtomicLong();
    Thread reader = new Thread(() -> collect(parent, output, registryPid), "orphan-test-reader");
    reader.setDaemon(true);
    reader.start();
    ProcessHandle registry = null;
    try {
      await()
          .atMost(WAIT)
          .until(() -> registryPid.get() > 0 || !parent.isAlive() && !reader.isAlive());
      assertThat(registryPid.get()).as("child JVM output: %s", output).isPositive();
      registry = ProcessHandle.of(registryPid.get()).orElseThrow();
      assertThat(registry.parent().map(ProcessHandle::pid)).contains(parent.pid());

      parent.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();

      ProcessHandle orphan = registry;
      await().atMost(Duration.ofSeconds(30)).until(() -> isGone(orphan));
    } finally {
      parent.destroyForcibly();
      if (registry != null && !isGone(registry)) {
        registry.destroyForcibly();
      }
      Support.deleteRecursively(dir);
    }
  }

  @Test
  void closeStopsBothAndRemovesTheDataDirectory() throws Exception {
    Path dir = Path.of("target", "close-test-" + UUID.randomUUID()).toAbsolutePath();
    LocalStack own = LocalStack.start(dir);
    long registryPid = own.schemaRegistry().pid();
    int kafkaPort = Integer.parseInt(own.bootstrapServers().split(":")[1]);
    int registryPort = own.schemaRegistry().port();
    assertThat(dir.resolve("kafka")).isDirectory();
    assertThat(dir.resolve("registry")).isDirectory();

    own.close();

    assertThat(dir).doesNotExist();
    assertThat(ProcessHandle.of(registryPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThatThrownBy(() -> connect(InetAddress.getLoopbackAddress(), kafkaPort))
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> connect(InetAddress.getLoopbackAddress(), registryPort))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void closingTheSharedStackLeavesItRunningForOtherTests() throws Exception {
    LocalStack.shared().close();

    assertThat(LocalStack.shared()).isSameAs(stack);
    stack.createTopics(1, "it-after-close");
    assertThat(get(stack.schemaRegistryUrl() + "/subjects").statusCode()).isEqualTo(200);
  }

  // --- helpers ---

  private static String record(String name, String fields) {
    return "{\"type\":\"record\",\"name\":\""
        + name
        + "\",\"namespace\":\"dev.crashwatch.it\",\"fields\":["
        + fields
        + "]}";
  }

  private static HttpResponse<String> register(String subject, String schema) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(stack.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + jsonString(schema) + "}"))
            .timeout(Duration.ofSeconds(30))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void collect(Process process, List<String> output, AtomicLong pid) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        if (line.startsWith(RegistryChildMain.PID_PREFIX)) {
          pid.set(Long.parseLong(line.substring(RegistryChildMain.PID_PREFIX.length()).trim()));
        }
      }
    } catch (IOException e) {
      output.add("(output unreadable: " + e + ")");
    }
  }

  /** Gone, or a zombie that only waits for its new parent to reap it. */
  private static boolean isGone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return !Files.exists(stat);
    }
  }

  private static void assertListensOnLoopbackOnly(int port) throws Exception {
    connect(InetAddress.getLoopbackAddress(), port); // reachable on 127.0.0.1 ...
    for (InetAddress address : nonLoopbackAddresses()) { // ... and nowhere else
      assertThatThrownBy(() -> connect(address, port))
          .as("port %d on %s", port, address)
          .isInstanceOf(ConnectException.class);
    }
    Path procNet = Path.of("/proc/net/tcp");
    if (Files.isReadable(procNet)) {
      assertThat(listeningAddresses(port))
          .as("listening sockets on port %d", port)
          .containsOnly("127.0.0.1");
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .filter(
            i -> {
              try {
                return i.isUp();
              } catch (SocketException e) {
                return false;
              }
            })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> !a.isLoopbackAddress())
        .filter(a -> !(a instanceof Inet6Address && a.isLinkLocalAddress()))
        .toList();
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
    }
  }

  /** Local addresses of LISTEN sockets on {@code port}, from /proc/net/tcp and tcp6 (Linux). */
  private static List<String> listeningAddresses(int port) throws IOException {
    String portHex = String.format(Locale.ROOT, "%04X", port);
    List<String> addresses = new ArrayList<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (local[1].equals(portHex) && f[3].equals("0A")) {
          addresses.add(decode(local[0]));
        }
      }
    }
    return addresses;
  }

  private static String decode(String hex) {
    // Java listens on a dual-stack socket, so 127.0.0.1 shows up IPv4-mapped (::ffff:127.0.0.1).
    String v4Mapped = "0000000000000000FFFF0000";
    if (hex.length() == 32 && hex.startsWith(v4Mapped)) {
      return decode(hex.substring(v4Mapped.length()));
    }
    if (hex.length() != 8) {
      return "[" + hex + "]"; // any other IPv6 address is already a failure
    }
    // IPv4 is stored little-endian.
    return Integer.parseInt(hex.substring(6, 8), 16)
        + "."
        + Integer.parseInt(hex.substring(4, 6), 16)
        + "."
        + Integer.parseInt(hex.substring(2, 4), 16)
        + "."
        + Integer.parseInt(hex.substring(0, 2), 16);
  }
}
