package dev.crashwatch.simulator;

import java.util.Arrays;

/**
 * Crash reports written but not yet uploaded, as columns of primitives in reusable slots rather
 * than a built event each: at the scale of a fleet that boot-loops, about one report per device
 * waits for its upload at any time. A slot holds what the report cannot recompute at upload: its
 * event id, the boot it ended, crash and upload times (device clock), the cause (an index into the
 * simulator's causes) and the versions the device ran when it crashed.
 */
final class PendingReports {

  private final int components;
  private long[] eventIdHigh = new long[1024];
  private long[] eventIdLow = new long[1024];
  private long[] bootIdHigh = new long[1024];
  private long[] bootIdLow = new long[1024];
  private long[] crashTime = new long[1024];
  private long[] uploadTime = new long[1024];
  private int[] cause = new int[1024];
  private short[] versions;
  private int[] free = new int[1024];
  private int freeCount;
  private int used;

  PendingReports(int components) {
    this.components = components;
    this.versions = new short[1024 * components];
  }

  /** Keeps a report; returns its slot. */
  int add(
      long eventHigh,
      long eventLow,
      long bootHigh,
      long bootLow,
      long crashedAt,
      long uploadedAt,
      int causeIndex,
      DeviceTable devices,
      int device) {
    int slot = freeCount > 0 ? free[--freeCount] : grow();
    eventIdHigh[slot] = eventHigh;
    eventIdLow[slot] = eventLow;
    bootIdHigh[slot] = bootHigh;
    bootIdLow[slot] = bootLow;
    crashTime[slot] = crashedAt;
    uploadTime[slot] = uploadedAt;
    cause[slot] = causeIndex;
    for (int c = 0; c < components; c++) {
      versions[slot * components + c] = (short) devices.runs(device, c);
    }
    return slot;
  }

  private int grow() {
    if (used == crashTime.length) {
      int n = used + (used >> 1);
      eventIdHigh = Arrays.copyOf(eventIdHigh, n);
      eventIdLow = Arrays.copyOf(eventIdLow, n);
      bootIdHigh = Arrays.copyOf(bootIdHigh, n);
      bootIdLow = Arrays.copyOf(bootIdLow, n);
      crashTime = Arrays.copyOf(crashTime, n);
      uploadTime = Arrays.copyOf(uploadTime, n);
      cause = Arrays.copyOf(cause, n);
      versions = Arrays.copyOf(versions, n * components);
      free = Arrays.copyOf(free, n);
    }
    return used++;
  }

  /** Frees a slot once its report is built. */
  void release(int slot) {
    free[freeCount++] = slot;
  }

  long eventIdHigh(int slot) {
    return eventIdHigh[slot];
  }

  long eventIdLow(int slot) {
    return eventIdLow[slot];
  }

  long bootIdHigh(int slot) {
    return bootIdHigh[slot];
  }

  long bootIdLow(int slot) {
    return bootIdLow[slot];
  }

  long crashTime(int slot) {
    return crashTime[slot];
  }

  long uploadTime(int slot) {
    return uploadTime[slot];
  }

  int cause(int slot) {
    return cause[slot];
  }

  /** The version index of component {@code c} the device ran when it crashed. */
  int version(int slot, int c) {
    return versions[slot * components + c];
  }
}
