package dev.crashwatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bucketed queue fires timers in the order a priority queue on (time, sequence) would. */
class TimerQueueTest {

  private record Ref(long time, long seq, int device) {}

  @Test
  void firesInTheOrderOfAPriorityQueueOnTimeAndSequence() {
    long origin = 1_000_000;
    long end = origin + 3 * 3_600_000;
    TimerQueue queue = new TimerQueue(origin, end, 60_000);
    PriorityQueue<Ref> reference =
        new PriorityQueue<>(Comparator.comparingLong(Ref::time).thenComparingLong(Ref::seq));
    SplittableRandom random = new SplittableRandom(42);
    long seq = 0;
    long now = origin;
    for (int i = 0; i < 20_000; i++) {
      // many timers at the same millisecond, so the tie order is tested too
      long at = origin + random.nextLong(0, 4 * 3_600_000) / 1000 * 1000;
      queue.add(at, 1, i, 0, 0);
      if (at <= end) {
        reference.add(new Ref(at, seq++, i));
      }
    }
    List<Integer> fired = new ArrayList<>();
    List<Integer> expected = new ArrayList<>();
    int device = 20_000;
    while (!reference.isEmpty()) {
      assertThat(queue.isEmpty()).isFalse();
      assertThat(queue.peekTime()).isEqualTo(reference.peek().time());
      queue.poll();
      Ref r = reference.poll();
      now = r.time();
      fired.add(queue.device());
      expected.add(r.device());
      assertThat(queue.time()).isEqualTo(now);
      // while draining, timers set for now, the same bucket, a later one, or past the end
      if (random.nextInt(4) == 0) {
        long at = now + (random.nextBoolean() ? 0 : random.nextLong(0, 600_000));
        queue.add(at, 1, device, 0, 0);
        if (at <= end) {
          reference.add(new Ref(at, seq++, device));
        }
        device++;
      }
    }
    assertThat(fired).isEqualTo(expected);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aTimerSetBeforeTheBucketBeingDrainedStillFiresFirst() {
    TimerQueue queue = new TimerQueue(0, 600_000, 60_000);
    queue.add(250_000, 1, 1, 0, 0);
    assertThat(queue.peekTime()).isEqualTo(250_000); // opens the bucket of minute 4
    // the controller acts at the step of minute 2 and sets a timer there
    queue.add(130_000, 2, 2, 7, 9);
    assertThat(queue.peekTime()).isEqualTo(130_000);
    queue.poll();
    assertThat(queue.device()).isEqualTo(2);
    assertThat(queue.kind()).isEqualTo(2);
    assertThat(queue.life()).isEqualTo(7);
    assertThat(queue.payload()).isEqualTo(9);
    queue.poll();
    assertThat(queue.device()).isEqualTo(1);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void refusesATimerInThePast() {
    TimerQueue queue = new TimerQueue(0, 600_000, 60_000);
    queue.add(200_000, 1, 1, 0, 0);
    queue.poll();
    assertThatThrownBy(() -> queue.add(199_999, 1, 2, 0, 0))
        .isInstanceOf(IllegalStateException.class);
  }
}
