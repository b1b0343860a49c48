package dev.crashwatch.bench;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.ingest.TelemetryTimestampExtractor;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The peer between the ceiling and the processor: Kafka Streams itself, with the processor's own
 * configuration ({@link StreamProcessor#streamsConfig}: exactly-once, its stream threads, commit
 * interval and task idling) and its timestamp extractor, reading the same three input topics as one
 * sub-topology (so one task per partition number holds a boots, a crashes and a heartbeats
 * partition, as the processor's tasks do) and decoding every record with the project's
 * deserializer, and nothing else: no state, no repartition, no output. Its figure is the framework
 * before any of the pipeline's work, so its ratio to the ceiling bounds what any exactly-once Kafka
 * Streams processor of these topics could reach on the same machine.
 */
final class StreamsAlone {

  private StreamsAlone() {}

  /** An application over {@code stack}'s inputs with {@code settings}' configuration. */
  static KafkaStreams create(BenchStack stack, ProcessorSettings settings) {
    return new KafkaStreams(
        topology(stack.topics, stack.serdes, settings), StreamProcessor.streamsConfig(settings));
  }

  private static Topology topology(Topics topics, EventSerdes serdes, ProcessorSettings settings) {
    StreamsBuilder builder = new StreamsBuilder();
    TelemetryTimestampExtractor timestamps =
        new TelemetryTimestampExtractor(
            settings.maxClockSkew(), settings.maxTimeJump(), Clock.systemUTC());
    decoded(builder, "boots", topics.boots(), timestamps, serdes, Boot.class)
        .merge(decoded(builder, "crashes", topics.crashes(), timestamps, serdes, Crash.class))
        .merge(
            decoded(
                builder,
                "heartbeats",
                topics.heartbeats(),
                timestamps,
                serdes,
                SensorHeartbeat.class));
    return builder.build();
  }

  private static KStream<byte[], Void> decoded(
      StreamsBuilder builder,
      String name,
      String topic,
      TelemetryTimestampExtractor timestamps,
      EventSerdes serdes,
      Class<? extends SpecificRecord> type) {
    return builder.stream(
            topic,
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withTimestampExtractor(timestamps)
                .withName("alone-" + name + "-source"))
        // one deserializer per task, as the processor's decoder has: its buffers are not shared
        .process(() -> new DecodeOnly(serdes.value(type).deserializer(), topic), Named.as(name));
  }

  /** Decodes each record and forwards nothing. */
  private static final class DecodeOnly implements Processor<byte[], byte[], byte[], Void> {
    private final Deserializer<? extends SpecificRecord> deserializer;
    private final String topic;

    DecodeOnly(Deserializer<? extends SpecificRecord> deserializer, String topic) {
      this.deserializer = deserializer;
      this.topic = topic;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      try {
        deserializer.deserialize(topic, record.value());
      } catch (RuntimeException malformed) {
        // the scenario's malformed share: decoding them is the work, as in the ceiling
      }
    }
  }
}
