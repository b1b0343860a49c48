package dev.crashwatch.emitter.spool;

import java.util.Objects;

/**
 * How big the spool may get and how careful it is.
 *
 * @param maxBytes the bound on all segment files together
 * @param segmentBytes a segment is rolled once the next record would take it beyond this (a larger
 *     record gets a segment of its own); space is reclaimed a whole segment at a time, so keep this
 *     a small fraction of {@code maxBytes}
 * @param fullPolicy what to do when full
 * @param durability when to fsync
 */
public record SpoolConfig(
    long maxBytes, long segmentBytes, FullPolicy fullPolicy, Durability durability) {

  public SpoolConfig {
    Objects.requireNonNull(fullPolicy, "fullPolicy");
    Objects.requireNonNull(durability, "durability");
    if (segmentBytes < Frame.HEADER_BYTES || maxBytes < segmentBytes) {
      throw new IllegalArgumentException(
          "need " + Frame.HEADER_BYTES + " <= segmentBytes <= maxBytes");
    }
  }

  /** 256 MiB in 8 MiB segments, drop newest when full, fsync every append. */
  public static SpoolConfig defaults() {
    return new SpoolConfig(256L << 20, 8L << 20, FullPolicy.DROP_NEWEST, Durability.everyAppend());
  }

  public SpoolConfig withMaxBytes(long maxBytes) {
    return new SpoolConfig(maxBytes, Math.min(segmentBytes, maxBytes), fullPolicy, durability);
  }

  public SpoolConfig withSegmentBytes(long segmentBytes) {
    return new SpoolConfig(maxBytes, segmentBytes, fullPolicy, durability);
  }

  public SpoolConfig withFullPolicy(FullPolicy fullPolicy) {
    return new SpoolConfig(maxBytes, segmentBytes, fullPolicy, durability);
  }

  public SpoolConfig withDurability(Durability durability) {
    return new SpoolConfig(maxBytes, segmentBytes, fullPolicy, durability);
  }
}
