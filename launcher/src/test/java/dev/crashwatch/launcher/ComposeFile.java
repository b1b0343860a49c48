package dev.crashwatch.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker-compose.yml} as compose reads it: YAML with anchors and merge keys, and {@code
 * ${NAME:-default}} taken from the environment or else its default, as compose interpolates it.
 */
final class ComposeFile {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(:-([^}]*))?}");

  private final Map<String, Map<String, Object>> services;

  private ComposeFile(Map<String, Map<String, Object>> services) {
    this.services = services;
  }

  @SuppressWarnings("unchecked")
  static ComposeFile read(Path file, Map<String, String> hostEnv) throws IOException {
    String text = interpolate(Files.readString(file), hostEnv);
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    ((Map<String, Object>) root.get("services"))
        .forEach((name, body) -> services.put(name, (Map<String, Object>) body));
    return new ComposeFile(services);
  }

  static String interpolate(String text, Map<String, String> hostEnv) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = hostEnv.get(m.group(1));
      if (value == null || value.isEmpty()) {
        if (m.group(2) == null) {
          throw new IllegalArgumentException("${" + m.group(1) + "} has no default and is not set");
        }
        value = m.group(3);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    if (out.indexOf("${") >= 0) {
      throw new IllegalArgumentException("a ${...} form this reader does not know is in the file");
    }
    return out.toString();
  }

  /** Services built from this repository (they have {@code build:}), in file order. */
  List<String> projectServices() {
    List<String> names = new ArrayList<>();
    services.forEach(
        (name, body) -> {
          if (body.containsKey("build") && !body.containsKey("profiles")) {
            names.add(name);
          }
        });
    return names;
  }

  Map<String, Object> service(String name) {
    return services.get(name);
  }

  @SuppressWarnings("unchecked")
  List<String> command(String name) {
    return ((List<Object>) service(name).getOrDefault("command", List.of()))
        .stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<String, Object>) service(name).getOrDefault("environment", Map.of()))
        .forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  /** {@code stop_grace_period} (Compose's duration syntax, such as 45s or 1m30s), else 10 s. */
  Duration stopGracePeriod(String name) {
    Object grace = service(name).get("stop_grace_period");
    return grace == null
        ? Duration.ofSeconds(10)
        : Duration.parse("PT" + String.valueOf(grace).toUpperCase(Locale.ROOT));
  }

  /** {@code depends_on}: service → condition. */
  @SuppressWarnings("unchecked")
  Map<String, String> dependsOn(String name) {
    Map<String, String> deps = new LinkedHashMap<>();
    ((Map<String, Object>) service(name).getOrDefault("depends_on", Map.of()))
        .forEach(
            (dep, spec) ->
                deps.put(dep, String.valueOf(((Map<String, Object>) spec).get("condition"))));
    return deps;
  }

  /** Container ports published by {@code ports:} ("host-ip:host:container" or shorter). */
  @SuppressWarnings("unchecked")
  List<Integer> containerPorts(String name) {
    return ((List<Object>) service(name).getOrDefault("ports", List.of()))
        .stream()
            .map(String::valueOf)
            .map(p -> Integer.parseInt(p.substring(p.lastIndexOf(':') + 1)))
            .toList();
  }

  /** Volume mount targets: volume or host path → path in the container. */
  @SuppressWarnings("unchecked")
  Map<String, String> volumeTargets(String name) {
    Map<String, String> targets = new LinkedHashMap<>();
    for (Object v : (List<Object>) service(name).getOrDefault("volumes", List.of())) {
      String[] parts = String.valueOf(v).split(":");
      targets.put(parts[0], parts[1]);
    }
    return targets;
  }

  /** The URL an HTTP healthcheck ({@code ["CMD", "curl", ..., URL]}) probes, if it is one. */
  @SuppressWarnings("unchecked")
  String healthcheckUrl(String name) {
    Map<String, Object> check = (Map<String, Object>) service(name).get("healthcheck");
    if (check == null) {
      return null;
    }
    List<String> test = ((List<Object>) check.get("test")).stream().map(String::valueOf).toList();
    if (!test.get(0).equals("CMD") || !test.get(1).equals("curl")) {
      throw new IllegalArgumentException(
          name + ": healthcheck " + test + " is not an HTTP probe with curl");
    }
    return test.get(test.size() - 1);
  }
}
