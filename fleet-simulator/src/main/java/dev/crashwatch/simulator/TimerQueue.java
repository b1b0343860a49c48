package dev.crashwatch.simulator;

import java.util.Arrays;

/**
 * The simulator's timers without an object per timer: one bucket per step of simulated time, each a
 * set of primitive arrays (time, kind, device, life, payload), sorted once when simulated time
 * reaches it. Timers fire in order of time and, at the same time, in the order they were set, as a
 * priority queue on (time, sequence) would: within a bucket the insertion index is that order, and
 * a timer set into the bucket being drained joins a small heap merged with its sorted rest. Timers
 * after {@code end} never fire and are not kept.
 */
final class TimerQueue {

  private final long origin;
  private final long end;
  private final long bucketMs;
  private final Bucket[] buckets;
  private int current = -1;
  private long[] sorted = new long[0];
  private int sortedSize;
  private int sortedPos;
  private long[] late = new long[16];
  private int lateSize;
  private long size;

  // The timer last polled.
  private long time;
  private int kind;
  private int device;
  private int life;
  private int payload;

  /** Timers from {@code origin} to {@code end} inclusive, bucketed by {@code bucketMs}. */
  TimerQueue(long origin, long end, long bucketMs) {
    if (bucketMs <= 0 || end < origin) {
      throw new IllegalArgumentException("bucket " + bucketMs + " ms, " + origin + ".." + end);
    }
    this.origin = origin;
    this.end = end;
    this.bucketMs = bucketMs;
    this.buckets = new Bucket[Math.toIntExact((end - origin) / bucketMs + 1)];
  }

  /**
   * Sets a timer; one after {@code end} is dropped, one before the last polled is an error. A timer
   * for the bucket being drained, or for an earlier one (the controller acts at a step that can lie
   * before the next timer's bucket), joins the bucket being drained, ordered by its time.
   */
  void add(long at, int kind, int device, int life, int payload) {
    if (at > end) {
      return;
    }
    if (at < origin || at < time) {
      throw new IllegalStateException("timer at " + at + " set after simulated time " + time);
    }
    int b = Math.max(Math.toIntExact((at - origin) / bucketMs), Math.max(current, 0));
    Bucket bucket = buckets[b];
    if (bucket == null) {
      bucket = buckets[b] = new Bucket();
    }
    int index = bucket.add(at, kind, device, life, payload);
    if (b == current) {
      pushLate(key(at - bucketStart(b), index));
    }
    size++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The time of the next timer; only when not {@link #isEmpty()}. */
  long peekTime() {
    long next = peekKey();
    return bucketStart(current) + (next >> 32);
  }

  /** Takes the next timer: its fields are then {@link #time()}, {@link #kind()} and so on. */
  void poll() {
    long next = peekKey();
    if (lateSize > 0 && (sortedPos >= sortedSize || late[0] < sorted[sortedPos])) {
      popLate();
    } else {
      sortedPos++;
    }
    Bucket bucket = buckets[current];
    int i = (int) next;
    time = bucket.times[i];
    kind = bucket.kinds[i];
    device = bucket.devices[i];
    life = bucket.lives[i];
    payload = bucket.payloads[i];
    size--;
  }

  long time() {
    return time;
  }

  int kind() {
    return kind;
  }

  int device() {
    return device;
  }

  int life() {
    return life;
  }

  int payload() {
    return payload;
  }

  /** The key of the next timer, opening later buckets as the current one runs out. */
  private long peekKey() {
    while (sortedPos >= sortedSize && lateSize == 0) {
      if (current >= 0) {
        buckets[current] = null; // drained: its arrays can go
      }
      current++;
      if (current >= buckets.length) {
        throw new IllegalStateException("no timer left");
      }
      open(current);
    }
    if (lateSize > 0 && (sortedPos >= sortedSize || late[0] < sorted[sortedPos])) {
      return late[0];
    }
    return sorted[sortedPos];
  }

  private void open(int b) {
    Bucket bucket = buckets[b];
    sortedPos = 0;
    sortedSize = bucket == null ? 0 : bucket.size;
    if (sorted.length < sortedSize) {
      sorted = new long[sortedSize];
    }
    long start = bucketStart(b);
    for (int i = 0; i < sortedSize; i++) {
      sorted[i] = key(bucket.times[i] - start, i);
    }
    Arrays.sort(sorted, 0, sortedSize);
  }

  private long bucketStart(int b) {
    return origin + b * bucketMs;
  }

  /**
   * Offset in the bucket (negative for a timer that joined from before it), then insertion index:
   * the order of a queue on (time, sequence).
   */
  private static long key(long offset, int index) {
    return (offset << 32) | index;
  }

  private void pushLate(long key) {
    if (lateSize == late.length) {
      late = Arrays.copyOf(late, lateSize * 2);
    }
    int i = lateSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (late[parent] <= key) {
        break;
      }
      late[i] = late[parent];
      i = parent;
    }
    late[i] = key;
  }

  private void popLate() {
    long last = late[--lateSize];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= lateSize) {
        break;
      }
      if (child + 1 < lateSize && late[child + 1] < late[child]) {
        child++;
      }
      if (late[child] >= last) {
        break;
      }
      late[i] = late[child];
      i = child;
    }
    if (lateSize > 0) {
      late[i] = last;
    }
  }

  /** The timers of one step of simulated time, in the order they were set. */
  private static final class Bucket {
    long[] times = new long[64];
    byte[] kinds = new byte[64];
    int[] devices = new int[64];
    int[] lives = new int[64];
    int[] payloads = new int[64];
    int size;

    int add(long time, int kind, int device, int life, int payload) {
      if (size == times.length) {
        int grown = size + (size >> 1);
        times = Arrays.copyOf(times, grown);
        kinds = Arrays.copyOf(kinds, grown);
        devices = Arrays.copyOf(devices, grown);
        lives = Arrays.copyOf(lives, grown);
        payloads = Arrays.copyOf(payloads, grown);
      }
      times[size] = time;
      kinds[size] = (byte) kind;
      devices[size] = device;
      lives[size] = life;
      payloads[size] = payload;
      return size++;
    }
  }
}
