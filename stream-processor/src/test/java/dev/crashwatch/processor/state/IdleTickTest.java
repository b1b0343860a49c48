package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The idle tick of a device-state task: at its own stream time, whatever the wall clock or the
 * other tasks of its instance have reached, so a replay's watermark does not depend on timing.
 */
class IdleTickTest {

  private final DeviceStateTask task =
      new DeviceStateTask(
          () ->
              new DeviceStateProcessor(
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(5),
                  Duration.ofMinutes(30)));
  private final MockProcessorContext<StatsKey, VersionDelta> context = task.context;
  private final DeviceStateProcessor processor = task.processor;
  private final CapturedPunctuator idleCheck = task.punctuator(PunctuationType.WALL_CLOCK_TIME);

  @Test
  void anIdleTaskSaysSoAtItsOwnStreamTimeAndAgainWhileIdle() {
    context.setCurrentStreamTimeMs(90_000);
    idleCheck.getPunctuator().punctuate(0); // first look: stream time just seen
    context.resetForwards();
    idleCheck.getPunctuator().punctuate(2_000);
    idleCheck.getPunctuator().punctuate(4_000);
    List<MockProcessorContext.CapturedForward<? extends StatsKey, ? extends VersionDelta>> ticks =
        context.forwarded();
    assertThat(ticks).hasSize(2);
    assertThat(ticks)
        .allSatisfy(
            t -> {
              assertThat(t.record().key().getKind()).isEqualTo(StatsKeyKind.IDLE_TICK);
              assertThat(t.record().timestamp()).isEqualTo(90_000);
            });
  }

  @Test
  void aMovingTaskSendsNoIdleTickAndAResumingOneTicksFirst() {
    context.setCurrentStreamTimeMs(90_000);
    idleCheck.getPunctuator().punctuate(0);
    idleCheck.getPunctuator().punctuate(2_000); // idle
    context.resetForwards();
    context.setCurrentStreamTimeMs(95_000);
    processor.process(
        new Record<String, SpecificRecord>("device-1", DeviceState.newBuilder().build(), 95_000));
    assertThat(context.forwarded()).isNotEmpty();
    assertThat(context.forwarded().get(0).record().key())
        .isEqualTo(SourceWatermark.tick(context.taskId().partition()));
    assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(95_000);
    context.resetForwards();
    idleCheck.getPunctuator().punctuate(4_000); // it moved since the last look: not idle
    assertThat(context.forwarded()).isEmpty();
  }
}
