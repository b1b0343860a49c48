package dev.crashwatch.emitter.event;

/**
 * The sensor's own view of its health.
 *
 * <p>The endpoint's copy of the schema's enum {@code dev.crashwatch.events.SensorHealth}, in the
 * schema's order of symbols, which is what the Avro binary encodes ({@code EndpointEventsTest}
 * fails the day the two differ). See {@link EndpointEvent} for why the endpoint has its own.
 */
public enum SensorHealth {
  OK,
  DEGRADED,
  TAMPERED,
  UNKNOWN
}
