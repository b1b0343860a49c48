package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.localstack.LocalSchemaRegistry;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.RegistryClient;
import dev.crashwatch.serde.SerdeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The emitter starts while its schema registry is unreachable (an endpoint that boots before the
 * network or the registry is up), with the broker up all along. The serializer resolves a schema id
 * on first use per subject and caches it, so this is when a registry outage matters: until then no
 * event can be put in the wire format. Events emitted meanwhile must wait in the spool, not be lost
 * and not go out as anything but the wire format, and once a real registry answers at that URL they
 * must all arrive with the schema ids it registered.
 *
 * <p>A registry that goes away after the emitter has resolved its ids does not stop delivery at all
 * (the ids are cached); and the local registry keeps its schemas in memory, so stopping and
 * restarting it would hand out new ids under the emitter's cached ones, a situation no persistent
 * production registry creates. Hence "not there yet, then there", not "there, gone, back".
 */
class RegistryOutageIT {

  private static final int EVENTS = 300;

  @Test
  @Timeout(180)
  void eventsEmittedWhileTheRegistryIsUnreachableAreSpooledThenDeliveredWithItsSchemaIds()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Topics topics = TestEvents.topics("registry-" + run);
    String prefix = "registry-" + run;
    Path work = Files.createDirectories(Path.of("target", "registry-outage-" + run));
    LocalStack stack = LocalStack.shared();
    long started = System.nanoTime(); // after the shared stack, which is started once per JVM
    stack.createTopics(3, topics.boots(), topics.crashes(), topics.heartbeats());
    int registryPort = FreePort.pick();
    String registryUrl = "http://127.0.0.1:" + registryPort + LocalSchemaRegistry.CCOMPAT_PATH;
    // The emitter daemon's serde settings: the URL and nothing else, so the default retries apply.
    EventSerdes serdes = EventSerdes.connect(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    RegistryClient emitterRegistry = serdes.registry();
    Map<String, SpecificRecord> emitted = new LinkedHashMap<>();

    try (SpoolingEmitter emitter =
        new SpoolingEmitter(
            work.resolve("spool"),
            SpoolConfig.defaults(),
            stack.bootstrapServers(),
            serdes,
            topics)) {
      for (int n = 0; n < EVENTS; n++) {
        SpecificRecord event = TestEvents.event(prefix, n);
        TestEvents.send(emitter, event);
        emitted.put(TestEvents.eventId(event), event);
      }
      // One serialization tries the registry 1 + max.retries times; one request beyond that means
      // the sender gave up on the first attempt to serialize and tried again.
      long oneAttempt =
          new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl)).maxRetries() + 1L;
      await("the sender retried serializing after the registry failed it")
          .atMost(Duration.ofSeconds(60))
          .until(() -> emitterRegistry.httpRequestCount() > oneAttempt);
      assertThat(emitter.delivered()).as("delivered while the registry is unreachable").isZero();
      assertThat(emitter.pending())
          .as("spooled while the registry is unreachable")
          .isEqualTo(EVENTS);
      assertThat(TopicContents.count(stack.bootstrapServers(), topics))
          .as("records on the broker while the registry is unreachable")
          .isZero();
      long spooledWhileDown = emitter.pending();
      long requestsWhileDown = emitterRegistry.httpRequestCount();

      try (LocalSchemaRegistry registry =
          LocalSchemaRegistry.start(work.resolve("registry"), registryPort)) {
        await("spool drained once the registry answers")
            .atMost(Duration.ofSeconds(90))
            .until(() -> emitter.pending() == 0);

        // The ids the registry itself holds for the three subjects (TopicNameStrategy).
        RegistryClient reader = RegistryClient.forUrl(registry.url());
        Map<String, Integer> schemaIds =
            Map.of(
                topics.boots(),
                reader.lookupId(topics.boots() + "-value", Boot.getClassSchema()),
                topics.crashes(),
                reader.lookupId(topics.crashes() + "-value", Crash.getClassSchema()),
                topics.heartbeats(),
                reader.lookupId(topics.heartbeats() + "-value", SensorHeartbeat.getClassSchema()));
        List<Delivered> delivered =
            TopicContents.readAll(stack.bootstrapServers(), registry.url(), topics);
        for (Delivered d : delivered) {
          assertThat(d.schemaId())
              .as("schema id of %s on %s", d.eventId(), d.topic())
              .isEqualTo(schemaIds.get(d.topic()));
        }
        ExactlyOnce.Figures figures =
            ExactlyOnce.assertExactlyOnceAfterDedup(emitted, delivered, topics);
        assertThat(figures.distinct()).isEqualTo(EVENTS);
        System.out.printf(
            "registry outage figures: emitted %d, spooled while unreachable %d (after %d failed"
                + " registry requests), delivered %d records, %d distinct, %d repeats dropped by"
                + " de-dup, schema ids boots %d crashes %d heartbeats %d, lost %d, in %.1f s%n",
            emitted.size(),
            spooledWhileDown,
            requestsWhileDown,
            figures.records(),
            figures.distinct(),
            figures.repeats(),
            schemaIds.get(topics.boots()),
            schemaIds.get(topics.crashes()),
            schemaIds.get(topics.heartbeats()),
            emitted.size() - figures.distinct(),
            (System.nanoTime() - started) / 1e9);
      }
    }
  }
}
