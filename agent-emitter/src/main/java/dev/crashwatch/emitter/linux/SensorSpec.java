package dev.crashwatch.emitter.linux;

import dev.crashwatch.emitter.event.SensorHealth;
import dev.crashwatch.emitter.event.SensorMode;
import java.util.Objects;

/**
 * The security sensor a heartbeat is about.
 *
 * @param vendor e.g. {@code acme}
 * @param product the component id of the sensor agent, e.g. {@code acme.sensor}: its version is the
 *     heartbeat's agent version
 * @param contentComponent the component id of its content file, e.g. {@code acme.sensor-content},
 *     or null when it has none
 * @param mode KERNEL for sensors with a kernel module (they can take the machine down)
 * @param health the sensor's own view of its health; the collector cannot judge it
 */
public record SensorSpec(
    String vendor, String product, String contentComponent, SensorMode mode, SensorHealth health) {

  public SensorSpec {
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(product, "product");
    mode = mode == null ? SensorMode.UNKNOWN : mode;
    health = health == null ? SensorHealth.UNKNOWN : health;
  }
}
