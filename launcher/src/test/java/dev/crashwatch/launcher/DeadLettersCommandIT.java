package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code crashwatch dead-letters} on the real broker and registry: it counts the letters by reason,
 * and with {@code --resend --reason R} sends exactly the letters of reason R back to their source
 * topic, with their original key, bytes and timestamp, once per run, marked with the letter they
 * came from; the other letters stay where they are.
 */
class DeadLettersCommandIT {

  private final LocalStack stack = LocalStack.shared();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String letters = "dead-letters-" + run;
  private final String boots = "device-boots-" + run;
  private static final Instant SOURCE_TIME = Instant.parse("2024-07-19T04:10:00Z");

  @Test
  void listsByReasonAndResendsTheChosenReasonToItsSourceTopic() throws Exception {
    stack.createTopics(1, letters, boots);
    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    byte[] lateSchemaBytes = {0, 0, 0, 0x7f, 0x11, 1, 2, 3};
    try (KafkaProducer<byte[], DeadLetter> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new ByteArraySerializer(),
            serdes.value(DeadLetter.class).serializer())) {
      producer.send(new ProducerRecord<>(letters, letter("UNKNOWN_SCHEMA_ID", 7, lateSchemaBytes)));
      producer.send(new ProducerRecord<>(letters, letter("INVALID_FIELD", 8, new byte[] {9})));
      producer.send(new ProducerRecord<>(letters, letter("INVALID_FIELD", 9, new byte[] {9})));
    }
    Path config = Files.createTempFile("dead-letters-it-", ".properties");
    Files.writeString(config, "topic.dead.letters=" + letters + "\ntopic.boots=" + boots + "\n");

    String listing = run(config, "--examples", "1");
    assertThat(listing)
        .contains("3 dead letters on " + letters)
        .containsPattern("INVALID_FIELD +2")
        .containsPattern("UNKNOWN_SCHEMA_ID +1");
    assertThat(readAll(boots)).isEmpty();

    String resent = run(config, "--reason", "UNKNOWN_SCHEMA_ID", "--resend");
    assertThat(resent).contains("re-sent 1 letters ([UNKNOWN_SCHEMA_ID])");
    List<ConsumerRecord<byte[], byte[]>> back = readAll(boots);
    assertThat(back).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = back.get(0);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("dev-7");
    assertThat(record.value()).isEqualTo(lateSchemaBytes);
    assertThat(record.timestamp()).isEqualTo(SOURCE_TIME.toEpochMilli());
    assertThat(
            new String(
                record.headers().lastHeader(DeadLettersCommand.RESENT_HEADER).value(),
                StandardCharsets.UTF_8))
        .isEqualTo(letters + "-0@0");
  }

  @Test
  void resendWithoutAReasonIsRefused() throws Exception {
    assertThat(
            new CommandLine(new Crashwatch())
                .setErr(new PrintWriter(new StringWriter(), true))
                .execute("dead-letters", "--resend"))
        .isEqualTo(2);
  }

  private DeadLetter letter(String reason, int device, byte[] value) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail("detail of " + reason)
        .setSourceTopic(boots)
        .setSourcePartition(0)
        .setSourceOffset(device)
        .setSourceTimestamp(SOURCE_TIME)
        .setKey(ByteBuffer.wrap(("dev-" + device).getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(value))
        .setHeaders(Map.of())
        .setFailedAt(Instant.now())
        .setApplication("crashwatch-test")
        .build();
  }

  private String run(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of("dead-letters", "--config", config.toString()));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            stack.bootstrapServers(),
            "--schema-registry-url",
            stack.schemaRegistryUrl()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = new CommandLine(new Crashwatch()).execute(all.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    assertThat(exit).as("exit of %s", all).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
