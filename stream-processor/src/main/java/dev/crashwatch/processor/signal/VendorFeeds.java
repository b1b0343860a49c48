package dev.crashwatch.processor.signal;

/**
 * Which vendor health feeds exist. The processor writes only to feeds that ops created ({@code
 * crashwatch vendors add}, or the embedded stack for the catalogue it loads), never creates a
 * topic, and never names one from device input: the vendor comes from the operator's catalogue. A
 * catalogued vendor without a feed is counted and logged by the detector, and skipped.
 */
public interface VendorFeeds {

  /** Every feed exists (TopologyTestDriver, where output topics are not real). */
  VendorFeeds EVERY = topic -> true;

  /** Whether {@code topic} exists, as far as this process knows; must not block. */
  boolean exists(String topic);
}
