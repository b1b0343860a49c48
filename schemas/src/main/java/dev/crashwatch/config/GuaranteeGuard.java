package dev.crashwatch.config;

import java.util.List;
import java.util.Locale;

/**
 * Refuses {@code kafka.*} pass-through settings that would silently weaken the pipeline's delivery
 * guarantees: the processor runs exactly-once, and its producers (and the emitters') are
 * idempotent. Kafka itself turns idempotence off without a word when {@code enable.idempotence} is
 * left unset and {@code acks}, {@code retries} or {@code max.in.flight.requests.per.connection}
 * conflict with it, so those are refused too. Kafka Streams' per-client prefixes ({@code
 * producer.}, {@code main.consumer.}, ...) are looked through.
 */
final class GuaranteeGuard {

  private static final List<String> CLIENT_PREFIXES =
      List.of(
          "producer.",
          "main.consumer.",
          "restore.consumer.",
          "global.consumer.",
          "consumer.",
          "admin.");

  private GuaranteeGuard() {}

  /**
   * @param key the setting as written, e.g. {@code kafka.enable.idempotence}
   * @param value its value
   * @param origin where it came from, for the message
   * @throws ConfigException naming the key, its origin and what it would turn off
   */
  static void check(String key, String value, String origin) {
    String kafkaKey = key.substring(Settings.KAFKA_PREFIX.length());
    for (String prefix : CLIENT_PREFIXES) {
      if (kafkaKey.startsWith(prefix)) {
        kafkaKey = kafkaKey.substring(prefix.length());
        break;
      }
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    String problem =
        switch (kafkaKey) {
          case "processing.guarantee" ->
              v.equals("exactly_once_v2") ? null : "would turn off the processor's exactly-once";
          case "enable.idempotence" ->
              v.equals("true") ? null : "would turn off idempotent (duplicate-free) writes";
          case "acks" ->
              v.equals("all") || v.equals("-1")
                  ? null
                  : "would turn off idempotent writes (they need acks=all)";
          case "retries" ->
              positive(v) ? null : "would turn off idempotent writes (they need retries > 0)";
          case "max.in.flight.requests.per.connection" ->
              atMostFive(v)
                  ? null
                  : "would turn off idempotent writes (they need at most 5 requests in flight)";
          case "isolation.level" ->
              v.equals("read_committed")
                  ? null
                  : "would let consumers read aborted transactions (exactly-once needs"
                      + " read_committed)";
          case "transactional.id" ->
              "is managed by Kafka Streams (one per task producer); a fixed one would fence them";
          default -> null;
        };
    if (problem != null) {
      throw new ConfigException(
          key
              + "="
              + value.trim()
              + " (from "
              + origin
              + ") refused: it "
              + problem
              + ". Remove the setting.");
    }
  }

  private static boolean positive(String v) {
    try {
      return Long.parseLong(v) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean atMostFive(String v) {
    try {
      long n = Long.parseLong(v);
      return n >= 1 && n <= 5;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
