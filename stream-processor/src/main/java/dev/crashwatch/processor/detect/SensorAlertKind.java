package dev.crashwatch.processor.detect;

/** The sensor states the SOC is alerted on when they rise sharply: the SensorHealth names. */
public enum SensorAlertKind {
  TAMPERED,
  DEGRADED
}
