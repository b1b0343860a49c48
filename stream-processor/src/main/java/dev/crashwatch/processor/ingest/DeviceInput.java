package dev.crashwatch.processor.ingest;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.SensorHeartbeat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The strings a device sends, checked once, at the decoder: character set and length of every
 * identifier the pipeline keys, groups or routes by. Device input is data, never control: what
 * passes here cannot contain a separator, a control character or a path, and is short enough to be
 * a map key in every store.
 *
 * <p>Identifiers (device, tenant, ring, component, vendor, product) are {@value #IDENTIFIER_CHARS},
 * at most {@value #MAX_IDENTIFIER} characters: the characters of a Kafka topic name, so that a
 * vendor name is a feed topic's suffix as it is. Versions add {@code :+~} (Debian package
 * versions), modules add {@code $~} (Windows short names), at most {@value #MAX_VERSION} and
 * {@value #MAX_MODULE}. Bugcheck codes are letters, digits and {@code _} ({@code 0x50}, {@code
 * oops}).
 */
public final class DeviceInput {

  static final String IDENTIFIER_CHARS = "[A-Za-z0-9._-]";
  static final int MAX_IDENTIFIER = 128;
  static final int MAX_VERSION = 64;
  static final int MAX_MODULE = 128;
  static final int MAX_BUGCHECK = 64;
  static final int MAX_FREE_TEXT = 256;
  static final int MAX_BUGCHECK_PARAMETERS = 16;

  static final FieldShape IDENTIFIER = new FieldShape("", "._-");
  static final FieldShape VERSION = new FieldShape("", "._:+~-");
  static final FieldShape MODULE = new FieldShape("_", "._$~-");
  static final FieldShape BUGCHECK = new FieldShape("", "_");

  /** Why a record failed, for its dead letter. */
  public record Problem(RejectReason reason, String detail) {}

  private final int maxComponentsPerDevice;

  public DeviceInput(int maxComponentsPerDevice) {
    this.maxComponentsPerDevice = maxComponentsPerDevice;
  }

  /** Whether {@code value} is a well-formed identifier (component id, vendor, ...). */
  public static boolean isIdentifier(String value) {
    return value != null && value.length() <= MAX_IDENTIFIER && IDENTIFIER.matches(value);
  }

  /** Whether {@code value} is a well-formed module file name. */
  public static boolean isModule(String value) {
    return value != null && value.length() <= MAX_MODULE && MODULE.matches(value);
  }

  /** The first problem of {@code event}, or empty when every field it checks is well formed. */
  public Optional<Problem> check(SpecificRecord event) {
    try {
      if (event instanceof Boot b) {
        common(b.getDeviceId(), b.getTenantId(), b.getRing(), b.getComponents());
        text("eventId", b.getEventId());
        text("bootId", b.getBootId());
        matches("osBuild", b.getOsBuild(), VERSION, MAX_VERSION);
      } else if (event instanceof SensorHeartbeat h) {
        common(h.getDeviceId(), h.getTenantId(), h.getRing(), h.getComponents());
        text("eventId", h.getEventId());
        matches("vendor", h.getVendor(), IDENTIFIER, MAX_IDENTIFIER);
        matches("product", h.getProduct(), IDENTIFIER, MAX_IDENTIFIER);
        matches("agentVersion", h.getAgentVersion(), VERSION, MAX_VERSION);
        optional("contentVersion", h.getContentVersion(), VERSION, MAX_VERSION);
      } else if (event instanceof Crash c) {
        common(c.getDeviceId(), c.getTenantId(), null, c.getComponents());
        optional("ring", c.getRing(), IDENTIFIER, MAX_IDENTIFIER);
        text("eventId", c.getEventId());
        text("bootId", c.getBootId());
        optional("bugcheckCode", c.getBugcheckCode(), BUGCHECK, MAX_BUGCHECK);
        optional("faultingModule", c.getFaultingModule(), MODULE, MAX_MODULE);
        optional("faultingModuleVersion", c.getFaultingModuleVersion(), VERSION, MAX_VERSION);
        if (c.getBucketId() != null) {
          text("bucketId", c.getBucketId());
        }
        parameters(c.getBugcheckParameters());
      }
      return Optional.empty();
    } catch (Invalid e) {
      return Optional.of(e.problem);
    }
  }

  private void common(String device, String tenant, String ring, Map<String, String> components) {
    matches("deviceId", device, IDENTIFIER, MAX_IDENTIFIER);
    matches("tenantId", tenant, IDENTIFIER, MAX_IDENTIFIER);
    if (ring != null) {
      matches("ring", ring, IDENTIFIER, MAX_IDENTIFIER);
    }
    if (components.size() > maxComponentsPerDevice) {
      throw new Invalid(
          RejectReason.TOO_MANY_COMPONENTS,
          "the record lists "
              + components.size()
              + " components, more than ingest.max.components.per.device ("
              + maxComponentsPerDevice
              + ")");
    }
    for (Map.Entry<String, String> e : components.entrySet()) {
      matches("component id", e.getKey(), IDENTIFIER, MAX_IDENTIFIER);
      if (!wellFormed(e.getValue(), VERSION, MAX_VERSION)) {
        // the field's name is built only for a dead letter: this loop runs for every record
        matches("version of " + e.getKey(), e.getValue(), VERSION, MAX_VERSION);
      }
    }
  }

  private static void parameters(List<String> parameters) {
    if (parameters.size() > MAX_BUGCHECK_PARAMETERS) {
      throw new Invalid(
          RejectReason.INVALID_FIELD,
          "bugcheckParameters has "
              + parameters.size()
              + " entries, more than "
              + MAX_BUGCHECK_PARAMETERS);
    }
    parameters.forEach(p -> matches("bugcheck parameter", p, BUGCHECK, MAX_BUGCHECK));
  }

  private static void optional(String field, String value, FieldShape shape, int max) {
    if (value != null) {
      matches(field, value, shape, max);
    }
  }

  private static boolean wellFormed(String value, FieldShape shape, int max) {
    return value != null && !value.isEmpty() && value.length() <= max && shape.matches(value);
  }

  private static void matches(String field, String value, FieldShape shape, int max) {
    if (value == null || value.isEmpty()) {
      throw new Invalid(RejectReason.INVALID_FIELD, field + " is empty");
    }
    if (value.length() > max) {
      throw new Invalid(
          RejectReason.INVALID_FIELD,
          field
              + " "
              + quoted(value)
              + " is "
              + value.length()
              + " characters long, more than "
              + max);
    }
    if (!shape.matches(value)) {
      throw new Invalid(
          RejectReason.INVALID_FIELD,
          field + " " + quoted(value) + " has characters outside " + shape.pattern());
    }
  }

  /** Free text (ids of events and boots, buckets): only its length is bounded. */
  private static void text(String field, String value) {
    if (value.length() > MAX_FREE_TEXT) {
      throw new Invalid(
          RejectReason.INVALID_FIELD,
          field + " is " + value.length() + " characters long, more than " + MAX_FREE_TEXT);
    }
  }

  /**
   * A device string as it may appear in a dead letter's detail and in logs: its first 40
   * characters, control and non-ASCII characters escaped, and its length if it was cut.
   */
  public static String quoted(String value) {
    StringBuilder out = new StringBuilder("'");
    int shown = Math.min(value.length(), 40);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('\'');
    if (shown < value.length()) {
      out.append("... (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }

  /** Unwinds the checks at the first problem. */
  private static final class Invalid extends RuntimeException {
    private final transient Problem problem;

    Invalid(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.problem = new Problem(reason, detail);
    }
  }
}
