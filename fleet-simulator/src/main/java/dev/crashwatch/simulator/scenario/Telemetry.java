package dev.crashwatch.simulator.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * Noise on the way from devices to the broker. {@link #NONE} is a perfect network.
 *
 * @param uploadDelay between a crash and its upload
 * @param duplicates share of events delivered twice
 * @param clockSkew the largest error of a device clock, either way
 * @param malformed share of records that are garbage on the wire
 * @param crashUploadLoss share of crashes never uploaded
 */
public record Telemetry(
    DurationRange uploadDelay,
    double duplicates,
    Duration clockSkew,
    double malformed,
    double crashUploadLoss) {

  public static final Telemetry NONE = new Telemetry(DurationRange.ZERO, 0, Duration.ZERO, 0, 0);

  public Telemetry {
    Objects.requireNonNull(uploadDelay, "uploadDelay");
    Objects.requireNonNull(clockSkew, "clockSkew");
  }
}
