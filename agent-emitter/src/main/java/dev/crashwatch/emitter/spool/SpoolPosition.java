package dev.crashwatch.emitter.spool;

import java.util.Comparator;

/**
 * A byte position in the spool: a segment's sequence number and an offset in it. Positions only
 * grow, across segments too, so they can be compared.
 */
public record SpoolPosition(long segment, long offset) implements Comparable<SpoolPosition> {

  private static final Comparator<SpoolPosition> ORDER =
      Comparator.comparingLong(SpoolPosition::segment).thenComparingLong(SpoolPosition::offset);

  @Override
  public int compareTo(SpoolPosition other) {
    return ORDER.compare(this, other);
  }
}
