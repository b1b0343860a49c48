package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kill -9} of a running emitter daemon, twice, on one spool directory: first while no broker
 * is reachable (everything it accepted is only in the spool), then, restarted with a reachable
 * broker, while it replays the spool and keeps emitting (events can be delivered but not yet
 * acknowledged when it dies). A third start drains the spool and exits. Every event a killed
 * process reported accepted must reach the broker, exactly once after de-duplication by event id.
 */
class EmitterKillIT {

  private static final int REPORTED_BEFORE_KILL = 150;
  private static final String EVERY_MILLIS = "5";
  private static final int SIGKILL_STATUS = 128 + 9;

  @Test
  @Timeout(240)
  void everyEventAKilledEmitterReportedAcceptedIsDeliveredOnceAfterDedup() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("kill-" + run);
    Path work = Files.createDirectories(Path.of("target", "emitter-kill-" + run)).toAbsolutePath();
    String spool = work.resolve("spool").toString();
    LocalStack stack = LocalStack.shared();
    long started = System.nanoTime(); // after the shared stack, which is started once per JVM
    stack.createTopics(3, topics.boots(), topics.crashes(), topics.heartbeats());
    String registry = stack.schemaRegistryUrl();
    String unreachable = "127.0.0.1:" + FreePort.pick();
    String first = "first-" + run;
    String second = "second-" + run;

    // 1. No broker reachable: accepted events can only be in the spool when the kill lands.
    List<String> firstAccepted;
    try (EmitterProcess p =
        EmitterProcess.start(
            work.resolve("first.log"),
            spool,
            unreachable,
            registry,
            "kill-" + run,
            first,
            "-1",
            EVERY_MILLIS)) {
      await("the first emitter reported " + REPORTED_BEFORE_KILL + " events accepted")
          .atMost(Duration.ofSeconds(60))
          .until(() -> p.accepted().size() >= REPORTED_BEFORE_KILL);
      assertThat(p.kill()).as("exit status of the first emitter").isEqualTo(SIGKILL_STATUS);
      firstAccepted = p.accepted();
      assertThat(p.unexpectedLines()).isEmpty();
    }
    assertThat(TopicContents.count(stack.bootstrapServers(), topics))
        .as("records on the broker after the first emitter died")
        .isZero();

    // 2. The broker is reachable: killed while replaying the first one's events and emitting.
    List<String> secondAccepted;
    try (EmitterProcess p =
        EmitterProcess.start(
            work.resolve("second.log"),
            spool,
            stack.bootstrapServers(),
            registry,
            "kill-" + run,
            second,
            "-1",
            EVERY_MILLIS)) {
      await("the second emitter delivered some and reported " + REPORTED_BEFORE_KILL + " accepted")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  p.accepted().size() >= REPORTED_BEFORE_KILL
                      && TopicContents.count(stack.bootstrapServers(), topics) > 0);
      assertThat(p.kill()).as("exit status of the second emitter").isEqualTo(SIGKILL_STATUS);
      secondAccepted = p.accepted();
      assertThat(p.unexpectedLines()).isEmpty();
    }

    // 3. Restarted once more: emits nothing new, drains the spool, exits.
    try (EmitterProcess p =
        EmitterProcess.start(
            work.resolve("third.log"),
            spool,
            stack.bootstrapServers(),
            registry,
            "kill-" + run,
            "third-" + run,
            "0",
            "0")) {
      assertThat(p.awaitExit(Duration.ofSeconds(90))).as("exit status of the third").isZero();
      assertThat(p.drained()).as("events left in the spool by the third").contains(0L);
      assertThat(p.unexpectedLines()).isEmpty();
    }

    List<Delivered> delivered = TopicContents.readAll(stack.bootstrapServers(), registry, topics);
    Set<String> deliveredIds = new HashSet<>();
    delivered.forEach(d -> deliveredIds.add(d.eventId()));
    // A process reports an event after its append returned, so the kill may fall in between: at
    // most the one event after its last report may have been accepted unreported. It counts if it
    // arrived; any other unreported id would be an invention.
    Map<String, SpecificRecord> expected = new LinkedHashMap<>();
    int unreportedTails = 0;
    for (var process : Map.of(first, firstAccepted, second, secondAccepted).entrySet()) {
      String prefix = process.getKey();
      List<String> reported = process.getValue();
      assertThat(reported)
          .as("ids reported by %s, in the order emitted", prefix)
          .containsExactlyElementsOf(
              LongStream.range(0, reported.size())
                  .mapToObj(n -> TestEvents.id(prefix, n))
                  .toList());
      reported.forEach(
          id -> expected.put(id, TestEvents.event(prefix, TestEvents.number(prefix, id))));
      String tail = TestEvents.id(prefix, reported.size());
      if (deliveredIds.contains(tail)) {
        expected.put(tail, TestEvents.event(prefix, reported.size()));
        unreportedTails++;
      }
    }
    ExactlyOnce.Figures figures =
        ExactlyOnce.assertExactlyOnceAfterDedup(expected, delivered, topics);
    int reported = firstAccepted.size() + secondAccepted.size();
    assertThat(figures.distinct()).isEqualTo(reported + unreportedTails);
    System.out.printf(
        "emitter kill figures: first emitter reported %d accepted (killed, no broker), second %d"
            + " (killed while delivering), %d accepted unreported before a kill, delivered %d"
            + " records, %d distinct, %d repeats dropped by de-dup, lost %d, in %.1f s%n",
        firstAccepted.size(),
        secondAccepted.size(),
        unreportedTails,
        figures.records(),
        figures.distinct(),
        figures.repeats(),
        reported + unreportedTails - figures.distinct(),
        (System.nanoTime() - started) / 1e9);
  }
}
