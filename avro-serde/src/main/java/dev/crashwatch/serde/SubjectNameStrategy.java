package dev.crashwatch.serde;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The subject under which a schema is registered for a topic. Selected with {@code
 * key.subject.name.strategy} / {@code value.subject.name.strategy}; Confluent's class names are
 * accepted as aliases so existing Confluent configs work unchanged.
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
  TOPIC_NAME("TopicNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, String recordFullName) {
      return topic + (isKey ? "-key" : "-value");
    }
  },
  /** The record's full name: one lineage per record type, shared by every topic carrying it. */
  RECORD_NAME("RecordNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, String recordFullName) {
      return recordFullName;
    }
  },
  /** {@code <topic>-<full record name>}: several record types per topic, each with a lineage. */
  TOPIC_RECORD_NAME("TopicRecordNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, String recordFullName) {
      return topic + "-" + recordFullName;
    }
  };

  private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

  private final String shortName;

  SubjectNameStrategy(String shortName) {
    this.shortName = shortName;
  }

  public String subjectName(String topic, boolean isKey, Schema schema) {
    return subjectName(topic, isKey, schema.getFullName());
  }

  /**
   * The subject for a record type named {@code recordFullName} (e.g. {@code
   * dev.crashwatch.events.Boot}): for a producer that has its schema as text only.
   */
  public abstract String subjectName(String topic, boolean isKey, String recordFullName);

  /** Confluent's simple class name, e.g. {@code TopicNameStrategy}. */
  public String shortName() {
    return shortName;
  }

  /**
   * Parses a config value: the short name ({@code TopicNameStrategy}), Confluent's fully qualified
   * class name, or the enum constant ({@code TOPIC_NAME}), case-insensitively.
   *
   * @throws IllegalArgumentException listing the accepted names
   */
  public static SubjectNameStrategy fromName(String name) {
    String n = name.trim();
    if (n.startsWith(CONFLUENT_PACKAGE)) {
      n = n.substring(CONFLUENT_PACKAGE.length());
    }
    for (SubjectNameStrategy s : values()) {
      if (s.shortName.equalsIgnoreCase(n) || s.name().equalsIgnoreCase(n)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown subject name strategy '"
            + name
            + "'; expected one of "
            + Arrays.stream(values()).map(s -> s.shortName).collect(Collectors.joining(", "))
            + " (optionally prefixed with "
            + CONFLUENT_PACKAGE
            + ")");
  }
}
