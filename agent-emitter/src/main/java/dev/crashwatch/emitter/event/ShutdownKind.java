package dev.crashwatch.emitter.event;

/**
 * How the previous boot ended.
 *
 * <p>The endpoint's copy of the schema's enum {@code dev.crashwatch.events.ShutdownKind}, in the
 * schema's order of symbols, which is what the Avro binary encodes ({@code EndpointEventsTest}
 * fails the day the two differ). See {@link EndpointEvent} for why the endpoint has its own.
 */
public enum ShutdownKind {
  CLEAN,
  CRASH,
  UNEXPECTED_POWER_LOSS,
  UNKNOWN
}
