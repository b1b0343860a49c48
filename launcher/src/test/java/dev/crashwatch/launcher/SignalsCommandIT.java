package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code crashwatch signals} on the real broker and registry: it prints the committed signals of
 * the topic named in its settings file, one line each, filtered by component, and never a signal
 * whose transaction was aborted.
 */
class SignalsCommandIT {

  private final LocalStack stack = LocalStack.shared();
  private final String topic = "rollback-signals-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void printsTheCommittedSignalsOfOneComponentAndExits() throws Exception {
    stack.createTopics(1, topic);
    EventSerdes serdes = EventSerdes.connect(stack.schemaRegistryUrl());
    try (KafkaProducer<String, RollbackSignal> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                topic),
            new StringSerializer(),
            serdes.value(RollbackSignal.class).serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(record(SignalsCommandTest.signal("acme.sensor-content", "aborted")));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(record(SignalsCommandTest.signal("acme.sensor-content", "committed")));
      producer.send(record(SignalsCommandTest.signal("windows", "another component")));
      producer.commitTransaction();
    }
    Path config = Files.createTempFile("signals-it-", ".properties");
    Files.writeString(config, "topic.rollback.signals=" + topic + "\n");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    PrintStream stdout = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit =
          new CommandLine(new Crashwatch())
              .setErr(new PrintWriter(err, true))
              .execute(
                  "signals",
                  "--config",
                  config.toString(),
                  "--bootstrap-servers",
                  stack.bootstrapServers(),
                  "--schema-registry-url",
                  stack.schemaRegistryUrl(),
                  "--component",
                  "acme.sensor-content");
    } finally {
      System.setOut(stdout);
    }

    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("2024-07-19 04:23:00Z  HALT     acme.sensor-content@291 e1")
                    .endsWith("committed")
                    .doesNotContain("\u001B"));
    assertThat(err.toString()).contains("2 signals on " + topic + ", 1 shown");
  }

  private ProducerRecord<String, RollbackSignal> record(RollbackSignal s) {
    return new ProducerRecord<>(topic, s.getComponent() + "@" + s.getVersion(), s);
  }
}
