package dev.crashwatch.emitter.event;

/**
 * What kind of crash a crash report is about.
 *
 * <p>The endpoint's copy of the schema's enum {@code dev.crashwatch.events.CrashKind}, in the
 * schema's order of symbols, which is what the Avro binary encodes ({@code EndpointEventsTest}
 * fails the day the two differ). See {@link EndpointEvent} for why the endpoint has its own.
 */
public enum CrashKind {
  KERNEL_BUGCHECK,
  USER_MODE,
  HANG,
  UNKNOWN
}
