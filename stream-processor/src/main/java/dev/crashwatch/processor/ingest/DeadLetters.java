package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds the dead-letter envelope of an input record: its original bytes and why it failed. */
final class DeadLetters {

  private DeadLetters() {}

  static DeadLetter of(
      RecordMetadata source,
      Decoded.Raw raw,
      Headers headers,
      String reason,
      String detail,
      Instant failedAt,
      String applicationId) {
    Map<String, ByteBuffer> copied = new HashMap<>();
    for (Header h : headers) {
      copied.put(h.key(), h.value() == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(h.value()));
    }
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail == null ? "" : detail)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setSourceTimestamp(raw.timestamp() >= 0 ? Instant.ofEpochMilli(raw.timestamp()) : null)
        .setKey(raw.key() == null ? null : ByteBuffer.wrap(raw.key()))
        .setValue(raw.value() == null ? null : ByteBuffer.wrap(raw.value()))
        .setHeaders(copied)
        .setFailedAt(failedAt)
        .setApplication(applicationId)
        .build();
  }
}
