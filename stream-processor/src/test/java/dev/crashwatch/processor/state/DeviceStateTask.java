package dev.crashwatch.processor.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One device-state task outside a topology: the processor on a mock context with its two stores, in
 * memory, the device states behind the write-back layer production puts in front (its pre-commit
 * hook forwards the buffered deltas).
 */
final class DeviceStateTask {

  final MockProcessorContext<StatsKey, VersionDelta> context = new MockProcessorContext<>();
  final WriteBackKeyValueStore<String, DeviceState> devices =
      new WriteBackKeyValueStore<>(
          Stores.keyValueStoreBuilder(
                  Stores.inMemoryKeyValueStore(DeviceStateProcessor.STORE),
                  Serdes.String(),
                  new InternalAvroSerde<>(DeviceState.class))
              .withLoggingDisabled()
              .build(),
          1_000);
  final KeyValueStore<Bytes, String> watch =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(DeviceStateProcessor.SILENCE_STORE),
              Serdes.Bytes(),
              Serdes.String())
          .withLoggingDisabled()
          .build();
  private final Supplier<DeviceStateProcessor> processors;
  DeviceStateProcessor processor;

  /**
   * A task with 5-minute last-seen buckets, 1-minute ticks, a 30-minute window and {@code
   * silenceAfter}.
   */
  static DeviceStateTask withSilenceAfter(Duration silenceAfter) {
    return new DeviceStateTask(
        () ->
            new DeviceStateProcessor(
                Duration.ofMinutes(5),
                Duration.ofMinutes(1),
                silenceAfter,
                Duration.ofMinutes(30)));
  }

  DeviceStateTask(Supplier<DeviceStateProcessor> processors) {
    this.processors = processors;
    devices.init(context.getStateStoreContext(), devices);
    context.addStateStore(devices);
    watch.init(context.getStateStoreContext(), watch);
    context.addStateStore(watch);
    start();
  }

  /** A new processor on these stores, as a task (re)starts. */
  void start() {
    processor = processors.get();
    processor.init(context);
  }

  /** The stream-time tick at {@code time}, as Kafka Streams punctuates it when time reaches it. */
  void tick(long time) {
    context.setCurrentStreamTimeMs(time);
    punctuator(PunctuationType.STREAM_TIME).getPunctuator().punctuate(time);
  }

  /** One record, at its own time. */
  void process(Record<String, SpecificRecord> record) {
    context.setCurrentStreamTimeMs(record.timestamp());
    processor.process(record);
  }

  /** The punctuator of {@code type} the current processor scheduled. */
  CapturedPunctuator punctuator(PunctuationType type) {
    return context.scheduledPunctuators().stream()
        .filter(p -> p.getType() == type)
        .reduce((first, last) -> last)
        .orElseThrow();
  }

  /** A commit: the write-back store's pre-commit hook forwards the buffered deltas. */
  void commit() {
    devices.flushCache();
  }

  /** What was forwarded since the last call, in order. */
  List<KeyValue<StatsKey, VersionDelta>> forwarded() {
    List<KeyValue<StatsKey, VersionDelta>> out = new ArrayList<>();
    context.forwarded().forEach(f -> out.add(KeyValue.pair(f.record().key(), f.record().value())));
    context.resetForwards();
    return out;
  }
}
