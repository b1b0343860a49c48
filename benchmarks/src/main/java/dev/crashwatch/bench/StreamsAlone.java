package dev.crashwatch.bench;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.processor.StreamProcessor;
import dev.crashwatch.processor.ingest.TelemetryTimestampExtractor;
import dev.crashwatch.processor.state.DeviceState;
import dev.crashwatch.processor.state.InternalAvroSerde;
import dev.crashwatch.schema.EventSerdes;
import dev.crashwatch.schema.Topics;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The peers between the ceiling and the processor: Kafka Streams itself, with the processor's own
 * configuration ({@link StreamProcessor#streamsConfig}: exactly-once, its stream threads, commit
 * interval, task idling and RocksDB settings) and its timestamp extractor, reading the same three
 * input topics as one sub-topology (so one task per partition number holds a boots, a crashes and a
 * heartbeats partition, as the processor's tasks do) and decoding every record with the project's
 * deserializer. What each does beyond decoding is its {@link Work}. Their figures are the framework
 * before the pipeline's own work, so their ratios to the ceiling bound what an exactly-once Kafka
 * Streams processor of these topics could reach on the same machine.
 */
final class StreamsAlone {

  /** What a peer does with each decoded record. */
  enum Work {
    /** Nothing: no state, no repartition, no output. */
    DECODE_ONLY(null),
    /**
     * The least any per-device design of this pipeline does: read the device's entry of a logged
     * RocksDB key-value store (its last-seen bucket, a long under the record's key, the device id)
     * for every event, and write it back when the event moves it to a later bucket of {@code
     * device.last.seen.bucket}, as the processor's device state does. No record cache, as the
     * processor's device store has none: at 8.5 million devices no cache holds a round-robin
     * fleet's states, so each read goes to RocksDB and each write to RocksDB and its changelog.
     */
    DEVICE_STORE("device-last-seen"),
    /**
     * As {@link #DEVICE_STORE}, with the processor's own device-state record ({@link DeviceState}
     * through its {@link InternalAvroSerde}) as the entry instead of a long: a new device's state
     * holds its tenant, ring and versions, and every event decodes the state and a moved bucket
     * encodes it. What the state's format costs over a long, without the processor's logic.
     */
    DEVICE_STATE("device-state-format");

    /** The name of the store this work keeps, null when it keeps none. */
    private final String store;

    Work(String store) {
      this.store = store;
    }

    /** The names of the stores its processors are connected to. */
    String[] stores() {
      return store == null ? new String[0] : new String[] {store};
    }
  }

  private StreamsAlone() {}

  /** An application over {@code stack}'s inputs with {@code settings}' configuration. */
  static KafkaStreams create(BenchStack stack, ProcessorSettings settings, Work work) {
    return new KafkaStreams(
        topology(stack.topics, stack.serdes, settings, work),
        StreamProcessor.streamsConfig(settings));
  }

  private static Topology topology(
      Topics topics, EventSerdes serdes, ProcessorSettings settings, Work work) {
    StreamsBuilder builder = new StreamsBuilder();
    if (work == Work.DEVICE_STORE) {
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(work.store), Serdes.Bytes(), Serdes.Long())
              .withCachingDisabled());
    } else if (work == Work.DEVICE_STATE) {
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(work.store),
                  Serdes.Bytes(),
                  new InternalAvroSerde<>(DeviceState.class))
              .withCachingDisabled());
    }
    TelemetryTimestampExtractor timestamps =
        new TelemetryTimestampExtractor(
            settings.maxClockSkew(), settings.maxTimeJump(), Clock.systemUTC());
    long bucketMs = settings.lastSeenBucket().toMillis();
    Source source = new Source(builder, timestamps, serdes, work, bucketMs);
    source
        .decoded("boots", topics.boots(), Boot.class)
        .merge(source.decoded("crashes", topics.crashes(), Crash.class))
        .merge(source.decoded("heartbeats", topics.heartbeats(), SensorHeartbeat.class));
    return builder.build();
  }

  /** One input topic's source and its processor. */
  private record Source(
      StreamsBuilder builder,
      TelemetryTimestampExtractor timestamps,
      EventSerdes serdes,
      Work work,
      long bucketMs) {

    KStream<byte[], Void> decoded(String name, String topic, Class<? extends SpecificRecord> type) {
      return builder.stream(
              topic,
              Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                  .withTimestampExtractor(timestamps)
                  .withName("alone-" + name + "-source"))
          // one deserializer per task, as the processor's decoder has: its buffers are not shared
          .process(
              () -> new Decode(serdes.value(type).deserializer(), topic, work, bucketMs),
              Named.as(name),
              work.stores());
    }
  }

  /** Decodes each record, does its {@link Work}, and forwards nothing. */
  private static final class Decode implements Processor<byte[], byte[], byte[], Void> {
    private final Deserializer<? extends SpecificRecord> deserializer;
    private final String topic;
    private final Work work;
    private final long bucketMs;
    private KeyValueStore<Bytes, Long> lastSeen;
    private KeyValueStore<Bytes, DeviceState> states;

    Decode(
        Deserializer<? extends SpecificRecord> deserializer,
        String topic,
        Work work,
        long bucketMs) {
      this.deserializer = deserializer;
      this.topic = topic;
      this.work = work;
      this.bucketMs = bucketMs;
    }

    @Override
    public void init(ProcessorContext<byte[], Void> context) {
      if (work == Work.DEVICE_STORE) {
        lastSeen = context.getStateStore(work.store);
      } else if (work == Work.DEVICE_STATE) {
        states = context.getStateStore(work.store);
      }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      SpecificRecord event;
      try {
        event = deserializer.deserialize(topic, record.value());
      } catch (RuntimeException malformed) {
        // the scenario's malformed share: decoding them is the work, as in the ceiling; the
        // processor sends them to its dead letters and keeps no state of them
        return;
      }
      if (work == Work.DECODE_ONLY || event == null || record.key() == null) {
        return;
      }
      Bytes device = Bytes.wrap(record.key());
      long bucket = Math.floorDiv(record.timestamp(), bucketMs) * bucketMs;
      if (work == Work.DEVICE_STORE) {
        Long seen = lastSeen.get(device);
        if (seen == null || bucket > seen) {
          lastSeen.put(device, bucket);
        }
        return;
      }
      DeviceState state = states.get(device);
      if (state == null) {
        state = newState(event);
      }
      if (bucket > state.getLastSeenBucket()) {
        state.setLastSeenBucket(bucket);
        states.put(device, state);
      }
    }

    /** A new device's state: its tenant, ring and versions as the event gives them. */
    private static DeviceState newState(SpecificRecord event) {
      DeviceState state = DeviceState.newBuilder().build();
      if (event instanceof Boot boot) {
        state.setTenantId(boot.getTenantId());
        state.setRing(boot.getRing());
        state.setVersions(boot.getComponents());
      } else if (event instanceof SensorHeartbeat beat) {
        state.setTenantId(beat.getTenantId());
        state.setRing(beat.getRing());
        state.setVersions(beat.getComponents());
      } else if (event instanceof Crash crash) {
        // a crash report's ring may be absent; the state keeps its default then
        state.setTenantId(crash.getTenantId());
        state.setVersions(crash.getComponents());
      }
      return state;
    }
  }
}
