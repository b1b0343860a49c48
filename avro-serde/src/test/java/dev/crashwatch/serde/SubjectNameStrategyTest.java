package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {
  private static final Schema CRASH =
      SchemaBuilder.record("Crash").namespace("dev.crashwatch").fields().endRecord();

  @Test
  void topicNameStrategySuffixesKeyOrValue() {
    assertThat(SubjectNameStrategy.TOPIC_NAME.subjectName("device-crashes", true, CRASH))
        .isEqualTo("device-crashes-key");
    assertThat(SubjectNameStrategy.TOPIC_NAME.subjectName("device-crashes", false, CRASH))
        .isEqualTo("device-crashes-value");
  }

  @Test
  void recordNameStrategyUsesTheFullRecordName() {
    assertThat(SubjectNameStrategy.RECORD_NAME.subjectName("any", false, CRASH))
        .isEqualTo("dev.crashwatch.Crash");
    assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subjectName("t", true, CRASH))
        .isEqualTo("t-dev.crashwatch.Crash");
  }

  @Test
  void acceptsShortNamesConfluentClassNamesAndConstants() {
    assertThat(SubjectNameStrategy.fromName("TopicNameStrategy"))
        .isEqualTo(SubjectNameStrategy.TOPIC_NAME);
    assertThat(
            SubjectNameStrategy.fromName(
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
        .isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(
            SubjectNameStrategy.fromName(
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
        .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
    assertThat(SubjectNameStrategy.fromName(" recordnamestrategy "))
        .isEqualTo(SubjectNameStrategy.RECORD_NAME);
    assertThat(SubjectNameStrategy.fromName("RECORD_NAME"))
        .isEqualTo(SubjectNameStrategy.RECORD_NAME);
  }

  @Test
  void unknownNameListsTheChoices() {
    assertThatThrownBy(() -> SubjectNameStrategy.fromName("com.acme.MyStrategy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.acme.MyStrategy")
        .hasMessageContaining("TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy");
  }
}
