package dev.crashwatch.simulator.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crashwatch.events.SensorHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the JSON tree of a scenario into a {@link Scenario}, checking each field and each reference
 * between fields; the first problem ends the reading with an {@link InvalidField}.
 *
 * <p>Sections are read in dependency order (fleet, rollouts, incidents, expectations), whatever
 * their order in the file, so each reference can be checked when it is read.
 */
final class ScenarioReader {

  static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(10);
  static final Duration DEFAULT_POWER_OUTAGE = Duration.ofMinutes(15);

  private static final double SUM_TOLERANCE = 1e-6;
  private static final Map<String, ComponentMode> MODES =
      byName(ComponentMode.values(), ComponentMode::jsonName);
  private static final Map<String, Action> ACTIONS = byName(Action.values(), Action::name);
  private static final List<String> INCIDENT_KINDS =
      List.of(PowerOutage.KIND, CrashWave.KIND, NetworkOutage.KIND, SensorTampering.KIND);

  private Duration duration;
  private Fleet fleet;
  private final List<Rollout> rollouts = new ArrayList<>();

  private ScenarioReader() {}

  static Scenario read(JsonNode root) {
    return new ScenarioReader().scenario(root);
  }

  private Scenario scenario(JsonNode root) {
    Fields f =
        Fields.of(
            root,
            JsonPaths.ROOT,
            "name",
            "seed",
            "start",
            "duration",
            "fleet",
            "rollouts",
            "incidents",
            "telemetry",
            "controller",
            "expect");
    String name = f.string("name");
    long seed = f.longValue("seed", 0);
    Instant start = f.instant("start");
    duration = f.positiveDuration("duration");
    fleet = fleet(f.object("fleet"));
    readRollouts(f);
    List<Incident> incidents = incidents(f);
    Telemetry telemetry = f.has("telemetry") ? telemetry(f.object("telemetry")) : Telemetry.NONE;
    boolean controller = f.bool("controller", false);
    Expectations expect = f.has("expect") ? expectations(f.object("expect")) : Expectations.NONE;
    return new Scenario(
        name, seed, start, duration, fleet, rollouts, incidents, telemetry, controller, expect);
  }

  // --- fleet

  private Fleet fleet(Fields f) {
    f.allowOnly(
        "devices",
        "tenants",
        "rings",
        "heartbeatEvery",
        "baselineCrashesPerDeviceDay",
        "components");
    int devices = f.integer("devices", 1, Integer.MAX_VALUE);
    int tenants = f.integer("tenants", 1, Integer.MAX_VALUE, 1);
    List<Ring> rings = rings(f);
    Duration heartbeatEvery = f.positiveDuration("heartbeatEvery", DEFAULT_HEARTBEAT);
    double baseline = f.nonNegative("baselineCrashesPerDeviceDay", 0);
    List<Component> components = components(f);
    return new Fleet(devices, tenants, rings, heartbeatEvery, baseline, components);
  }

  private static List<Ring> rings(Fields fleet) {
    List<JsonNode> nodes = fleet.nonEmptyArray("rings");
    List<Ring> rings = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    double sum = 0;
    for (int i = 0; i < nodes.size(); i++) {
      Fields f =
          Fields.of(nodes.get(i), JsonPaths.index(fleet.pathOf("rings"), i), "name", "share");
      String name = unique(f, "name", "ring", seen);
      double share = f.fraction("share");
      sum += share;
      rings.add(new Ring(name, share));
    }
    requireSumOfOne(fleet.pathOf("rings"), sum);
    return rings;
  }

  private static List<Component> components(Fields fleet) {
    List<JsonNode> nodes = fleet.nonEmptyArray("components");
    List<Component> components = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Fields f =
          Fields.of(
              nodes.get(i),
              JsonPaths.index(fleet.pathOf("components"), i),
              "id",
              "vendor",
              "module",
              "mode",
              "versions");
      String id = unique(f, "id", "component", seen);
      if (id.contains("@")) {
        // component@version is the key of every signal; a second '@' would make it ambiguous.
        throw new InvalidField(f.pathOf("id"), "must not contain '@', was " + JsonPaths.quote(id));
      }
      String vendor = f.string("vendor");
      String module = f.string("module", null);
      ComponentMode mode = f.choice("mode", MODES, ComponentMode.USER);
      components.add(new Component(id, vendor, module, mode, versionShares(f)));
    }
    return components;
  }

  private static List<VersionShare> versionShares(Fields component) {
    List<JsonNode> nodes = component.nonEmptyArray("versions");
    List<VersionShare> versions = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    double sum = 0;
    for (int i = 0; i < nodes.size(); i++) {
      Fields f =
          Fields.of(
              nodes.get(i), JsonPaths.index(component.pathOf("versions"), i), "version", "share");
      String version = unique(f, "version", "version", seen);
      double share = f.fraction("share");
      sum += share;
      versions.add(new VersionShare(version, share));
    }
    requireSumOfOne(component.pathOf("versions"), sum);
    return versions;
  }

  // --- rollouts

  private void readRollouts(Fields scenario) {
    List<JsonNode> nodes = scenario.array("rollouts");
    Map<String, String> seen = new HashMap<>();
    List<VersionReference> onlyWith = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Fields f =
          Fields.of(
              nodes.get(i),
              JsonPaths.index(scenario.pathOf("rollouts"), i),
              "component",
              "version",
              "waves",
              "spreadOver",
              "fault");
      Component component = component(f, "component");
      String version = f.string("version");
      if (component.hasVersion(version)) {
        // The fleet already runs it, so "devices that took it" would be indistinguishable from
        // devices that always had it.
        throw new InvalidField(
            f.pathOf("version"),
            "must be a new version, but the fleet already runs "
                + component.at(version)
                + " (see its versions in fleet.components)");
      }
      String previous = seen.putIfAbsent(component.at(version).toString(), f.path());
      if (previous != null) {
        throw new InvalidField(
            f.pathOf("version"), component.at(version) + " is already rolled out by " + previous);
      }
      List<Wave> waves = waves(f);
      Duration spreadOver = f.duration("spreadOver", Duration.ZERO);
      Fault fault = f.has("fault") ? fault(f.object("fault"), component, onlyWith) : null;
      rollouts.add(new Rollout(component.id(), version, waves, spreadOver, fault));
    }
    // Checked once every rollout is known, since a fault may depend on a version rolled out later.
    for (VersionReference reference : onlyWith) {
      requireKnownVersion(reference.path(), reference.component(), reference.version());
    }
  }

  private List<Wave> waves(Fields rollout) {
    List<JsonNode> nodes = rollout.nonEmptyArray("waves");
    List<Wave> waves = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Fields f = Fields.of(nodes.get(i), JsonPaths.index(rollout.pathOf("waves"), i), "ring", "at");
      String ring = ring(f, "ring");
      String previous = seen.putIfAbsent(ring, f.path());
      if (previous != null) {
        throw new InvalidField(
            f.pathOf("ring"), "ring " + JsonPaths.quote(ring) + " already has a wave: " + previous);
      }
      Duration at = offset(f, "at");
      if (!waves.isEmpty() && at.compareTo(waves.get(waves.size() - 1).at()) < 0) {
        throw new InvalidField(
            f.pathOf("at"),
            "waves must be in time order, but "
                + at
                + " is before the previous wave's "
                + waves.get(waves.size() - 1).at());
      }
      waves.add(new Wave(ring, at));
    }
    return waves;
  }

  private Fault fault(Fields f, Component component, List<VersionReference> references) {
    f.allowOnly("crashProbability", "after", "loop", "bugcheck", "module", "onlyWith");
    double crashProbability = f.fraction("crashProbability");
    DurationRange after = f.range("after", DurationRange.ZERO);
    boolean loop = f.bool("loop", false);
    String bugcheck = f.string("bugcheck", null);
    String module = f.string("module", component.module());
    Map<String, List<String>> onlyWith = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : f.members("onlyWith").entrySet()) {
      String path = JsonPaths.field(f.pathOf("onlyWith"), entry.getKey());
      requireComponent(path, entry.getKey());
      if (!entry.getValue().isArray() || entry.getValue().isEmpty()) {
        throw new InvalidField(
            path,
            "must be a non-empty array of versions, was " + JsonPaths.describe(entry.getValue()));
      }
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < entry.getValue().size(); i++) {
        JsonNode version = entry.getValue().get(i);
        String versionPath = JsonPaths.index(path, i);
        if (!version.isTextual() || version.textValue().isBlank()) {
          throw new InvalidField(
              versionPath, "must be a version string, was " + JsonPaths.describe(version));
        }
        references.add(new VersionReference(versionPath, entry.getKey(), version.textValue()));
        versions.add(version.textValue());
      }
      onlyWith.put(entry.getKey(), versions);
    }
    return new Fault(crashProbability, after, loop, bugcheck, module, onlyWith);
  }

  // --- incidents

  private List<Incident> incidents(Fields scenario) {
    List<JsonNode> nodes = scenario.array("incidents");
    List<Incident> incidents = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      Fields f = Fields.object(nodes.get(i), JsonPaths.index(scenario.pathOf("incidents"), i));
      String kind = f.string("kind");
      incidents.add(
          switch (kind) {
            case PowerOutage.KIND -> powerOutage(f);
            case CrashWave.KIND -> crashWave(f);
            case NetworkOutage.KIND -> networkOutage(f);
            case SensorTampering.KIND -> sensorTampering(f);
            default ->
                throw new InvalidField(
                    f.pathOf("kind"),
                    "unknown incident kind "
                        + JsonPaths.quote(kind)
                        + " (allowed: "
                        + String.join(", ", INCIDENT_KINDS)
                        + ")");
          });
    }
    return incidents;
  }

  private PowerOutage powerOutage(Fields f) {
    f.allowOnly("kind", "tenant", "at", "share", "for");
    int tenant = tenant(f);
    Duration at = offset(f, "at");
    double share = f.fraction("share", 1.0);
    Duration lasting = f.duration("for", DEFAULT_POWER_OUTAGE);
    return new PowerOutage(tenant, at, share, lasting);
  }

  private CrashWave crashWave(Fields f) {
    f.allowOnly(
        "kind", "component", "version", "at", "for", "crashProbability", "bugcheck", "module");
    Component component = component(f, "component");
    String version = f.string("version");
    if (!component.hasVersion(version)) {
      throw new InvalidField(
          f.pathOf("version"),
          "a crash wave strikes a version the fleet runs from the start, but "
              + component.id()
              + " has no version "
              + JsonPaths.quote(version)
              + " (versions: "
              + String.join(", ", component.versionNames())
              + ")");
    }
    Duration at = offset(f, "at");
    Duration lasting = f.duration("for");
    double crashProbability = f.fraction("crashProbability");
    String bugcheck = f.string("bugcheck", null);
    String module = f.string("module", component.module());
    return new CrashWave(component.id(), version, at, lasting, crashProbability, bugcheck, module);
  }

  private NetworkOutage networkOutage(Fields f) {
    f.allowOnly("kind", "tenant", "at", "for");
    return new NetworkOutage(tenant(f), offset(f, "at"), f.duration("for"));
  }

  private SensorTampering sensorTampering(Fields f) {
    f.allowOnly("kind", "tenant", "at", "share", "health");
    int tenant = tenant(f);
    Duration at = offset(f, "at");
    double share = f.fraction("share", 1.0);
    String health = f.string("health", SensorHealth.TAMPERED.name());
    if (!health.equals(SensorHealth.TAMPERED.name())
        && !health.equals(SensorHealth.DEGRADED.name())) {
      throw new InvalidField(
          f.pathOf("health"),
          "a sensor incident reports "
              + JsonPaths.quote(health)
              + " (allowed: TAMPERED, DEGRADED)");
    }
    return new SensorTampering(tenant, at, share, SensorHealth.valueOf(health));
  }

  private int tenant(Fields f) {
    if (!f.has("tenant")) {
      return f.integer("tenant", 0, 0); // reports the missing field
    }
    try {
      return f.integer("tenant", 0, fleet.tenants() - 1);
    } catch (InvalidField e) {
      throw new InvalidField(e.path(), e.reason() + " (tenants are numbered from 0)");
    }
  }

  // --- telemetry

  private static Telemetry telemetry(Fields f) {
    f.allowOnly("uploadDelay", "duplicates", "clockSkew", "malformed", "crashUploadLoss");
    Telemetry none = Telemetry.NONE;
    return new Telemetry(
        f.range("uploadDelay", none.uploadDelay()),
        f.fraction("duplicates", none.duplicates()),
        f.duration("clockSkew", none.clockSkew()),
        f.fraction("malformed", none.malformed()),
        f.fraction("crashUploadLoss", none.crashUploadLoss()));
  }

  // --- expectations

  private Expectations expectations(Fields f) {
    f.allowOnly("must", "may", "noOthers");
    List<MustSignal> must = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    List<JsonNode> mustNodes = f.array("must");
    for (int i = 0; i < mustNodes.size(); i++) {
      Fields m =
          Fields.of(
              mustNodes.get(i),
              JsonPaths.index(f.pathOf("must"), i),
              "component",
              "version",
              "action",
              "within",
              "before");
      ComponentVersion target = knownTarget(m, seen);
      Action action = m.choice("action", ACTIONS);
      Duration within = m.duration("within", duration);
      String before = m.has("before") ? before(m, target) : null;
      must.add(new MustSignal(target.component(), target.version(), action, within, before));
    }
    List<ComponentVersion> may = new ArrayList<>();
    seen.clear();
    List<JsonNode> mayNodes = f.array("may");
    for (int i = 0; i < mayNodes.size(); i++) {
      Fields m =
          Fields.of(mayNodes.get(i), JsonPaths.index(f.pathOf("may"), i), "component", "version");
      may.add(knownTarget(m, seen));
    }
    return new Expectations(must, may, f.bool("noOthers", true));
  }

  private ComponentVersion knownTarget(Fields f, Map<String, String> seen) {
    Component component = component(f, "component");
    String version = f.string("version");
    requireKnownVersion(f.pathOf("version"), component.id(), version);
    ComponentVersion target = component.at(version);
    String previous = seen.putIfAbsent(target.toString(), f.path());
    if (previous != null) {
      throw new InvalidField(f.path(), "duplicate of " + previous + " (" + target + ")");
    }
    return target;
  }

  private String before(Fields f, ComponentVersion target) {
    String ring = ring(f, "before");
    boolean hasWave =
        rollouts.stream().anyMatch(r -> r.target().equals(target) && r.waveFor(ring).isPresent());
    if (!hasWave) {
      throw new InvalidField(
          f.pathOf("before"),
          "no rollout of " + target + " has a wave in ring " + JsonPaths.quote(ring));
    }
    return ring;
  }

  // --- references

  private Component component(Fields f, String field) {
    return requireComponent(f.pathOf(field), f.string(field));
  }

  private Component requireComponent(String path, String id) {
    return fleet
        .component(id)
        .orElseThrow(
            () ->
                new InvalidField(
                    path,
                    "unknown component "
                        + JsonPaths.quote(id)
                        + " (components: "
                        + String.join(", ", fleet.componentIds())
                        + ")"));
  }

  private void requireKnownVersion(String path, String component, String version) {
    List<String> known = new ArrayList<>(fleet.component(component).orElseThrow().versionNames());
    rollouts.stream()
        .filter(r -> r.component().equals(component))
        .forEach(r -> known.add(r.version()));
    if (!known.contains(version)) {
      throw new InvalidField(
          path,
          "unknown version "
              + JsonPaths.quote(version)
              + " of "
              + component
              + " (versions in the fleet or rolled out: "
              + String.join(", ", known)
              + ")");
    }
  }

  private String ring(Fields f, String field) {
    String name = f.string(field);
    if (fleet.ring(name).isEmpty()) {
      throw new InvalidField(
          f.pathOf(field),
          "unknown ring "
              + JsonPaths.quote(name)
              + " (rings: "
              + String.join(", ", fleet.ringNames())
              + ")");
    }
    return name;
  }

  /** An offset such as {@code at}, which must fall within the scenario. */
  private Duration offset(Fields f, String field) {
    Duration at = f.duration(field);
    if (at.compareTo(duration) > 0) {
      throw new InvalidField(
          f.pathOf(field), "must be within the scenario's duration " + duration + ", was " + at);
    }
    return at;
  }

  private static String unique(Fields f, String field, String what, Map<String, String> seen) {
    String name = f.string(field);
    String previous = seen.putIfAbsent(name, f.path());
    if (previous != null) {
      throw new InvalidField(
          f.pathOf(field),
          "duplicate " + what + " " + JsonPaths.quote(name) + " (also " + previous + ")");
    }
    return name;
  }

  private static void requireSumOfOne(String path, double sum) {
    if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
      throw new InvalidField(path, "shares must sum to 1, was " + Fields.formatSum(sum));
    }
  }

  /** Spellings in the file, in declaration order so that messages list them the same way. */
  private static <E> Map<String, E> byName(E[] values, Function<E, String> name) {
    Map<String, E> byName = new LinkedHashMap<>();
    for (E value : values) {
      byName.put(name.apply(value), value);
    }
    return byName;
  }

  private record VersionReference(String path, String component, String version) {}
}
