package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists the dead-letter topic by reason and, once a cause is fixed (a schema registered late, a
 * component added to the catalogue), sends the letters of the chosen reasons back to the topics
 * they came from, with their original key, bytes, headers and timestamp, so the processor reads
 * them again. A re-sent record carries a {@value #RESENT_HEADER} header naming the letter; if its
 * cause is not fixed it is simply dead-lettered again.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "List the dead-letter topic by reason (count, and the first letters of each), and with"
          + " --resend send the letters of the chosen reasons back to their source topics once"
          + " their cause is fixed (for example a schema registered late).",
      "Reads with read_committed from the beginning to the current end; settings as for process."
    })
final class DeadLettersCommand implements Callable<Integer> {

  static final String RESENT_HEADER = "crashwatch.resent-from";

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      split = ",",
      description = "Only letters with these reasons (e.g. UNKNOWN_SCHEMA_ID,INVALID_FIELD).")
  Set<String> reasons;

  @Option(
      names = "--examples",
      paramLabel = "N",
      defaultValue = "3",
      description = "Letters shown per reason (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(
      names = "--resend",
      description =
          "Send the selected letters back to their source topics (needs --reason: a choice, never"
              + " everything by default).")
  boolean resend;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (resend && (reasons == null || reasons.isEmpty())) {
      System.err.println("crashwatch: --resend needs --reason: say which letters to send back");
      return 2;
    }
    Settings settings = cluster.load(ProcessorSettings.DECLARED);
    Topics topics = new ProcessorSettings(settings).topics();
    List<ConsumerRecord<byte[], DeadLetter>> selected = new ArrayList<>();
    Map<String, Long> counts = new TreeMap<>();
    read(settings, topics.deadLetters(), selected, counts);
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    out.printf("%,d dead letters on %s%n", total, topics.deadLetters());
    Map<String, Integer> shown = new HashMap<>();
    counts.forEach((reason, n) -> out.printf("  %-24s %,d%n", reason, n));
    for (ConsumerRecord<byte[], DeadLetter> r : selected) {
      DeadLetter d = r.value();
      if (shown.merge(d.getReason(), 1, Integer::sum) <= examples) {
        out.printf(
            "    %s %s-%d@%d (letter %d): %s%n",
            d.getReason(),
            d.getSourceTopic(),
            d.getSourcePartition(),
            d.getSourceOffset(),
            r.offset(),
            d.getDetail());
      }
    }
    if (resend) {
      int sent = resend(settings, selected);
      out.printf("re-sent %,d letters (%s) to their source topics%n", sent, reasons);
    }
    return 0;
  }

  private void read(
      Settings settings,
      String topic,
      List<ConsumerRecord<byte[], DeadLetter>> selected,
      Map<String, Long> counts) {
    Map<String, Object> config = new HashMap<>(ClientSettings.kafka(settings));
    config.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        AccessPlan.SOC_GROUPS + "crashwatch-dead-letters-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], DeadLetter> consumer =
        new KafkaConsumer<>(
            config,
            new ByteArrayDeserializer(),
            ClientSettings.serdes(settings).value(DeadLetter.class).deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], DeadLetter> r : consumer.poll(Duration.ofMillis(500))) {
          counts.merge(r.value().getReason(), 1L, Long::sum);
          if (reasons == null || reasons.contains(r.value().getReason())) {
            selected.add(r);
          }
        }
      }
    }
  }

  private static int resend(Settings settings, List<ConsumerRecord<byte[], DeadLetter>> letters) {
    Map<String, Object> config = new HashMap<>(ClientSettings.kafka(settings));
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], DeadLetter> r : letters) {
        DeadLetter d = r.value();
        RecordHeaders headers = new RecordHeaders();
        d.getHeaders().forEach((k, v) -> headers.add(k, bytes(v)));
        headers.add(
            RESENT_HEADER,
            (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(
            new ProducerRecord<>(
                d.getSourceTopic(),
                null,
                d.getSourceTimestamp() == null ? null : d.getSourceTimestamp().toEpochMilli(),
                d.getKey() == null ? null : bytes(d.getKey()),
                d.getValue() == null ? null : bytes(d.getValue()),
                headers));
        sent++;
      }
      producer.flush();
    }
    return sent;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
