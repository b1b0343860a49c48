package dev.crashwatch.emitter.event;

/**
 * Where a security sensor runs: a kernel-mode sensor can take the machine down.
 *
 * <p>The endpoint's copy of the schema's enum {@code dev.crashwatch.events.SensorMode}, in the
 * schema's order of symbols, which is what the Avro binary encodes ({@code EndpointEventsTest}
 * fails the day the two differ). See {@link EndpointEvent} for why the endpoint has its own.
 */
public enum SensorMode {
  KERNEL,
  USER,
  UNKNOWN
}
