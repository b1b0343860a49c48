package dev.crashwatch.processor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.ShutdownKind;
import dev.crashwatch.serde.RegistryException;
import dev.crashwatch.serde.SerdeError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that cannot answer a cache miss (unreachable, or refusing the processor's
 * credentials) is not the record's fault: the decoder waits and asks again, and the record is used,
 * not dead-lettered (before: 401 dead-lettered every record, unreachable stopped the processor).
 */
class RegistryFaultDecodeTest {

  private static final Instant TIME = Instant.parse("2024-07-19T03:30:00Z");

  private final Boot boot =
      Boot.newBuilder()
          .setEventId("e-1")
          .setDeviceId("device-1")
          .setTenantId("tenant-1")
          .setRing("canary")
          .setBootId("b-1")
          .setBootTime(TIME)
          .setOsBuild("22631.3880")
          .setPreviousShutdown(ShutdownKind.CLEAN)
          .setComponents(Map.of("windows", "22631.3880"))
          .build();

  @Test
  void waitsOutARefusedCredential() {
    assertUsedAfter(SerdeError.REGISTRY_UNAUTHORIZED);
  }

  @Test
  void waitsOutAnUnreachableRegistry() {
    assertUsedAfter(SerdeError.REGISTRY_UNREACHABLE);
  }

  @Test
  void aRecordWhoseSchemaIsUnknownIsStillADeadLetter() {
    MockProcessorContext<String, Decoded> context = decode(SerdeError.UNKNOWN_SCHEMA_ID, 1);
    assertThat(context.forwarded()).hasSize(1);
    Decoded out = context.forwarded().get(0).record().value();
    assertThat(out.isDeadLetter()).isTrue();
    assertThat(out.deadLetter().getReason()).isEqualTo("UNKNOWN_SCHEMA_ID");
  }

  private void assertUsedAfter(SerdeError fault) {
    MockProcessorContext<String, Decoded> context = decode(fault, 2);
    assertThat(context.forwarded()).hasSize(1);
    Decoded out = context.forwarded().get(0).record().value();
    assertThat(out.isDeadLetter()).as("dead-lettered for %s", fault).isFalse();
    assertThat(out.event()).isEqualTo(boot);
  }

  /** Decodes one record with a deserializer that fails {@code failures} times, then succeeds. */
  private MockProcessorContext<String, Decoded> decode(SerdeError fault, int failures) {
    Deque<SerdeError> faults = new ArrayDeque<>();
    for (int i = 0; i < failures; i++) {
      faults.add(fault);
    }
    Deserializer<Boot> deserializer =
        (topic, bytes) -> {
          SerdeError next = faults.poll();
          if (next != null) {
            throw new RegistryException(
                next, "registry says " + next, "http://registry", 401, -1, null);
          }
          return boot;
        };
    TelemetryDecoder<Boot> decoder =
        new TelemetryDecoder<>(
            deserializer,
            Boot::getDeviceId,
            Boot::getBootTime,
            Duration.ofDays(3650),
            Duration.ofDays(3650),
            Clock.systemUTC(),
            "crashwatch-test",
            new DeviceInput(64));
    MockProcessorContext<String, Decoded> context = new MockProcessorContext<>();
    context.setRecordMetadata("device-boots", 0, 42);
    // as Kafka Streams has it when the record is read: stream time includes the record's own time
    context.setCurrentStreamTimeMs(TIME.toEpochMilli());
    decoder.init(context);
    decoder.process(
        new Record<>(
            "device-1".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 0, 0, 0, 1},
            TIME.toEpochMilli()));
    return context;
  }
}
