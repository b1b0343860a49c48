package dev.crashwatch.processor.detect;

/**
 * Devices of one group (a component version, or a tenant) and how many of them report a degraded or
 * tampered sensor in their last heartbeat.
 */
public record SensorCounts(long devices, long degraded, long tampered) {

  public static final SensorCounts NONE = new SensorCounts(0, 0, 0);

  /** Devices reporting {@code health}: DEGRADED or TAMPERED. */
  public long reporting(SensorAlertKind kind) {
    return kind == SensorAlertKind.TAMPERED ? tampered : degraded;
  }

  public SensorCounts plus(SensorCounts other) {
    return new SensorCounts(
        devices + other.devices, degraded + other.degraded, tampered + other.tampered);
  }
}
