package dev.crashwatch.processor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TelemetryTimestampExtractorTest {

  private static final long MINUTE = 60_000;

  /** Wall clock: a year after the test's event times, as in a replay. */
  private static final Clock WALL =
      Clock.fixed(Instant.ofEpochMilli(400 * 24 * 60 * MINUTE), ZoneOffset.UTC);

  private final TelemetryTimestampExtractor extractor =
      new TelemetryTimestampExtractor(Duration.ofMinutes(5), Duration.ofHours(1), WALL);

  @Test
  void theRecordTimestampIsTheEventTime() {
    assertThat(extractor.extract(record("heartbeats", 1_000 * MINUTE), -1))
        .isEqualTo(1_000 * MINUTE);
    assertThat(extractor.extract(record("heartbeats", 1_001 * MINUTE), 1_000 * MINUTE))
        .isEqualTo(1_001 * MINUTE);
  }

  @Test
  void aFarFutureTimestampIsHeldBackToTheTimeReached() {
    extractor.extract(record("heartbeats", 1_000 * MINUTE), -1);
    assertThat(
            extractor.extract(
                record("heartbeats", 1_000 * MINUTE + 24 * 60 * MINUTE), 1_000 * MINUTE))
        .isEqualTo(1_000 * MINUTE);
    // It did not move the high-water mark: the next honest record is on time.
    assertThat(extractor.extract(record("heartbeats", 1_002 * MINUTE), 1_000 * MINUTE))
        .isEqualTo(1_002 * MINUTE);
  }

  @Test
  void aQuietPartitionMayJumpAheadOfItsOwnTimeButNotOfTheFleets() {
    extractor.extract(record("crashes", 1_000 * MINUTE), -1);
    for (long m = 1_000; m <= 1_180; m += 10) {
      extractor.extract(record("heartbeats", m * MINUTE), (m - 10) * MINUTE);
    }
    // The crashes partition last saw minute 1000; three hours later is honest.
    assertThat(extractor.extract(record("crashes", 1_180 * MINUTE), 1_000 * MINUTE))
        .isEqualTo(1_180 * MINUTE);
  }

  @Test
  void aTimestampAheadOfTheWallClockIsHeldBack() {
    long now = WALL.millis();
    extractor.extract(record("heartbeats", now - MINUTE), -1);
    assertThat(extractor.extract(record("heartbeats", now + 10 * MINUTE), -1))
        .isEqualTo(now - MINUTE);
    assertThat(extractor.extract(record("heartbeats", now + 4 * MINUTE), -1))
        .isEqualTo(now + 4 * MINUTE);
  }

  @Test
  void aMissingTimestampKeepsTheTimeReached() {
    extractor.extract(record("heartbeats", 1_000 * MINUTE), -1);
    assertThat(extractor.extract(record("heartbeats", -1), 900 * MINUTE)).isEqualTo(1_000 * MINUTE);
  }

  private static ConsumerRecord<Object, Object> record(String topic, long timestamp) {
    return new ConsumerRecord<>(
        topic,
        0,
        0,
        timestamp,
        TimestampType.CREATE_TIME,
        0,
        0,
        "k",
        "v",
        new RecordHeaders(),
        Optional.empty());
  }
}
