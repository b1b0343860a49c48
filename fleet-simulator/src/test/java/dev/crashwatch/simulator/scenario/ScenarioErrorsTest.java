package dev.crashwatch.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad file, changed from the valid reference scenario, and its exact message. */
class ScenarioErrorsTest {

  private static final String COMPONENTS =
      "(components: acme.sensor, acme.sensor-content, windows)";

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void unknownFields(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> unknownFields() {
    return Stream.of(
        error(
            "colour: unknown field (allowed: name, seed, start, duration, fleet, rollouts,"
                + " incidents, telemetry, controller, expect)",
            s -> s.set("/colour", "\"red\"")),
        error(
            "fleet.size: unknown field (allowed: devices, tenants, rings, heartbeatEvery,"
                + " baselineCrashesPerDeviceDay, components)",
            s -> s.set("/fleet/size", "1")),
        error(
            "fleet.components[0].versions[1].weight: unknown field (allowed: version, share)",
            s -> s.set("/fleet/components/0/versions/1/weight", "1")),
        error(
            "rollouts[0].fault.colour: unknown field (allowed: crashProbability, after, loop,"
                + " bugcheck, module, onlyWith)",
            s -> s.set("/rollouts/0/fault/colour", "\"red\"")),
        error(
            "rollouts[0].waves[2].share: unknown field (allowed: ring, at)",
            s -> s.set("/rollouts/0/waves/2/share", "0.5")),
        // the fields allowed depend on the kind
        error(
            "incidents[2].share: unknown field (allowed: kind, tenant, at, for)",
            s -> s.set("/incidents/2/share", "0.5")),
        error(
            "incidents[0].for: unknown field (allowed: kind, tenant, at, share, health)",
            s ->
                s.set(
                    "/incidents/0",
                    "{\"kind\": \"sensorTampering\", \"tenant\": 1, \"at\": \"PT1M\","
                        + " \"for\": \"PT1M\"}")),
        error(
            "incidents[0].health: a sensor incident reports \"OK\" (allowed: TAMPERED, DEGRADED)",
            s ->
                s.set(
                    "/incidents/0",
                    "{\"kind\": \"sensorTampering\", \"tenant\": 1, \"at\": \"PT1M\","
                        + " \"health\": \"OK\"}")),
        error(
            "incidents[1].tenant: unknown field (allowed: kind, component, version, at, for,"
                + " crashProbability, bugcheck, module)",
            s -> s.set("/incidents/1/tenant", "1")),
        error(
            "telemetry.jitter: unknown field (allowed: uploadDelay, duplicates, clockSkew,"
                + " malformed, crashUploadLoss)",
            s -> s.set("/telemetry/jitter", "\"PT1M\"")),
        error(
            "expect.must[0].ring: unknown field (allowed: component, version, action, within,"
                + " before)",
            s -> s.set("/expect/must/0/ring", "\"early\"")),
        error(
            "expect[\"no others\"]: unknown field (allowed: must, may, noOthers)",
            s -> s.set("/expect/no others", "true")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void wrongTypes(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        error("name: must be a string, was 5", s -> s.set("/name", "5")),
        error("name: must not be empty, was \" \"", s -> s.set("/name", "\" \"")),
        error("seed: must be an integer, was 1.5", s -> s.set("/seed", "1.5")),
        error("seed: must be an integer, was \"7\"", s -> s.set("/seed", "\"7\"")),
        error(
            "seed: must fit in a signed 64-bit integer, was 99999999999999999999",
            s -> s.set("/seed", "99999999999999999999")),
        error(
            "start: must be an ISO-8601 UTC time such as 2024-07-19T03:30:00Z, was"
                + " \"2024-07-19 03:30\"",
            s -> s.set("/start", "\"2024-07-19 03:30\"")),
        error("fleet: must be an object, was an array", s -> s.set("/fleet", "[]")),
        error(
            "fleet.devices: must be an integer, was \"many\"",
            s -> s.set("/fleet/devices", "\"many\"")),
        error("fleet.devices: must be an integer, was 1.5", s -> s.set("/fleet/devices", "1.5")),
        error(
            "fleet.devices: must be an integer from 1 to 2147483647, was 0",
            s -> s.set("/fleet/devices", "0")),
        error(
            "fleet.devices: must be an integer from 1 to 2147483647, was 3000000000",
            s -> s.set("/fleet/devices", "3000000000")),
        error("fleet.rings: must be an array, was an object", s -> s.set("/fleet/rings", "{}")),
        error("fleet.rings: must not be empty", s -> s.set("/fleet/rings", "[]")),
        error(
            "fleet.rings[1]: must be an object, was \"early\"",
            s -> s.set("/fleet/rings/1", "\"early\"")),
        error(
            "fleet.rings[0].share: must be a number, was \"0.02\"",
            s -> s.set("/fleet/rings/0/share", "\"0.02\"")),
        error(
            "fleet.components[2].mode: must be one of kernel, user, was \"Kernel\"",
            s -> s.set("/fleet/components/2/mode", "\"Kernel\"")),
        error(
            "controller: must be true or false, was \"yes\"", s -> s.set("/controller", "\"yes\"")),
        error(
            "rollouts[0].fault.loop: must be true or false, was 1",
            s -> s.set("/rollouts/0/fault/loop", "1")),
        error(
            "rollouts[0].fault.onlyWith[\"acme.sensor\"]: must be a non-empty array of versions,"
                + " was \"7.11.18110\"",
            s -> s.set("/rollouts/0/fault/onlyWith/acme.sensor", "\"7.11.18110\"")),
        error(
            "expect.must[0].action: must be one of WATCH, HALT, ROLLBACK, was \"rollback\"",
            s -> s.set("/expect/must/0/action", "\"rollback\"")),
        error("expect.may: must be an array, was an object", s -> s.set("/expect/may", "{}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void missingRequiredFields(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> missingRequiredFields() {
    return Stream.of(
        error("name: missing required field", s -> s.remove("/name")),
        error("start: missing required field", s -> s.remove("/start")),
        error("duration: missing required field", s -> s.remove("/duration")),
        error("fleet: missing required field", s -> s.remove("/fleet")),
        error("fleet.devices: missing required field", s -> s.remove("/fleet/devices")),
        error("fleet.devices: missing required field", s -> s.set("/fleet/devices", "null")),
        error("fleet.rings: missing required field", s -> s.remove("/fleet/rings")),
        error("fleet.components: missing required field", s -> s.remove("/fleet/components")),
        error(
            "fleet.components[1].vendor: missing required field",
            s -> s.remove("/fleet/components/1/vendor")),
        error(
            "fleet.components[0].versions[1].share: missing required field",
            s -> s.remove("/fleet/components/0/versions/1/share")),
        error("rollouts[0].waves: missing required field", s -> s.remove("/rollouts/0/waves")),
        error(
            "rollouts[0].waves[1].at: missing required field",
            s -> s.remove("/rollouts/0/waves/1/at")),
        error(
            "rollouts[0].fault.crashProbability: missing required field",
            s -> s.remove("/rollouts/0/fault/crashProbability")),
        error("incidents[0].kind: missing required field", s -> s.remove("/incidents/0/kind")),
        error("incidents[0].tenant: missing required field", s -> s.remove("/incidents/0/tenant")),
        error("incidents[1].for: missing required field", s -> s.remove("/incidents/1/for")),
        error("incidents[2].for: missing required field", s -> s.remove("/incidents/2/for")),
        error(
            "expect.must[0].action: missing required field",
            s -> s.remove("/expect/must/0/action")),
        error(
            "expect.may[0].version: missing required field",
            s -> s.remove("/expect/may/0/version")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void badDurationsAndRanges(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> badDurationsAndRanges() {
    return Stream.of(
        error(
            "duration: must be an ISO-8601 duration such as PT20M, was \"3 hours\"",
            s -> s.set("/duration", "\"3 hours\"")),
        error(
            "duration: must be longer than zero, was \"PT0S\"",
            s -> s.set("/duration", "\"PT0S\"")),
        error(
            "fleet.heartbeatEvery: must be an ISO-8601 duration such as PT20M, was 600",
            s -> s.set("/fleet/heartbeatEvery", "600")),
        error(
            "rollouts[0].waves[0].at: must not be negative, was \"PT-5M\"",
            s -> s.set("/rollouts/0/waves/0/at", "\"PT-5M\"")),
        error(
            "rollouts[0].spreadOver: must be an ISO-8601 duration such as PT20M, was \"10m\"",
            s -> s.set("/rollouts/0/spreadOver", "\"10m\"")),
        error(
            "rollouts[0].fault.after: low end PT5M is above high end PT1M, was PT5M..PT1M",
            s -> s.set("/rollouts/0/fault/after", "\"PT5M..PT1M\"")),
        error(
            "rollouts[0].fault.after: must not be negative, was PT-1M..PT1M",
            s -> s.set("/rollouts/0/fault/after", "\"PT-1M..PT1M\"")),
        error(
            "rollouts[0].fault.after: must be an ISO-8601 duration such as PT2M or a range such as"
                + " PT1M..PT5M, was \"PT1M-PT5M\"",
            s -> s.set("/rollouts/0/fault/after", "\"PT1M-PT5M\"")),
        error(
            "telemetry.uploadDelay: must be an ISO-8601 duration such as PT2M or a range such as"
                + " PT1M..PT5M, was \"PT0S..\"",
            s -> s.set("/telemetry/uploadDelay", "\"PT0S..\"")),
        error(
            "telemetry.uploadDelay: must be a duration such as PT2M or a range such as"
                + " PT1M..PT5M, was 5",
            s -> s.set("/telemetry/uploadDelay", "5")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void sharesAndProbabilities(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> sharesAndProbabilities() {
    return Stream.of(
        error(
            "fleet.components[0].versions[1].share: must be between 0 and 1, was 1.7",
            s -> s.set("/fleet/components/0/versions/1/share", "1.7")),
        error(
            "fleet.rings[0].share: must be between 0 and 1, was -0.02",
            s -> s.set("/fleet/rings/0/share", "-0.02")),
        error(
            "fleet.rings: shares must sum to 1, was 0.95",
            s -> s.set("/fleet/rings/2/share", "0.75")),
        error(
            "fleet.components[0].versions: shares must sum to 1, was 0.9",
            s -> s.set("/fleet/components/0/versions/1/share", "0.2")),
        error(
            "rollouts[0].fault.crashProbability: must be between 0 and 1, was 90",
            s -> s.set("/rollouts/0/fault/crashProbability", "90")),
        error(
            "incidents[0].share: must be between 0 and 1, was 1.5",
            s -> s.set("/incidents/0/share", "1.5")),
        error(
            "telemetry.crashUploadLoss: must be between 0 and 1, was 2",
            s -> s.set("/telemetry/crashUploadLoss", "2")),
        error(
            "fleet.baselineCrashesPerDeviceDay: must not be negative, was -1",
            s -> s.set("/fleet/baselineCrashesPerDeviceDay", "-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void brokenReferences(String message, UnaryOperator<ScenarioJson> change) {
    assertRejected(change, message);
  }

  static Stream<Arguments> brokenReferences() {
    return Stream.of(
        error(
            "fleet.rings[2].name: duplicate ring \"early\" (also fleet.rings[1])",
            s -> s.set("/fleet/rings/2/name", "\"early\"")),
        error(
            "fleet.components[2].id: duplicate component \"acme.sensor\" (also fleet.components[0])",
            s -> s.set("/fleet/components/2/id", "\"acme.sensor\"")),
        error(
            "fleet.components[0].versions[1].version: duplicate version \"7.11.18110\" (also"
                + " fleet.components[0].versions[0])",
            s -> s.set("/fleet/components/0/versions/1/version", "\"7.11.18110\"")),
        error(
            "fleet.components[2].id: must not contain '@', was \"windows@11\"",
            s -> s.set("/fleet/components/2/id", "\"windows@11\"")),
        error(
            "rollouts[0].component: unknown component \"acme.agent\" " + COMPONENTS,
            s -> s.set("/rollouts/0/component", "\"acme.agent\"")),
        error(
            "rollouts[0].version: must be a new version, but the fleet already runs"
                + " acme.sensor-content@290 (see its versions in fleet.components)",
            s -> s.set("/rollouts/0/version", "\"290\"")),
        error(
            "rollouts[1].version: acme.sensor-content@291 is already rolled out by rollouts[0]",
            s ->
                s.set(
                    "/rollouts/1",
                    "{\"component\": \"acme.sensor-content\", \"version\": \"291\","
                        + " \"waves\": [{\"ring\": \"broad\", \"at\": \"PT2H\"}]}")),
        error(
            "rollouts[0].waves[1].ring: unknown ring \"middle\" (rings: canary, early, broad)",
            s -> s.set("/rollouts/0/waves/1/ring", "\"middle\"")),
        error(
            "rollouts[0].waves[2].ring: ring \"early\" already has a wave: rollouts[0].waves[1]",
            s -> s.set("/rollouts/0/waves/2/ring", "\"early\"")),
        error(
            "rollouts[0].waves[1].at: waves must be in time order, but PT30M is before the"
                + " previous wave's PT40M",
            s -> s.set("/rollouts/0/waves/1/at", "\"PT30M\"")),
        error(
            "rollouts[0].waves[2].at: must be within the scenario's duration PT3H, was PT4H",
            s -> s.set("/rollouts/0/waves/2/at", "\"PT4H\"")),
        error(
            "rollouts[0].fault.onlyWith[\"acme.sensr\"]: unknown component \"acme.sensr\" "
                + COMPONENTS,
            s -> s.set("/rollouts/0/fault/onlyWith", "{\"acme.sensr\": [\"7.11.18110\"]}")),
        error(
            "rollouts[0].fault.onlyWith[\"acme.sensor\"][1]: unknown version \"9.9\" of"
                + " acme.sensor (versions in the fleet or rolled out: 7.11.18110, 7.10.17706)",
            s -> s.set("/rollouts/0/fault/onlyWith/acme.sensor/1", "\"9.9\"")),
        error(
            "incidents[0].kind: unknown incident kind \"earthquake\" (allowed: powerOutage,"
                + " crashWave, networkOutage, sensorTampering)",
            s -> s.set("/incidents/0/kind", "\"earthquake\"")),
        error(
            "incidents[0].tenant: must be an integer from 0 to 39, was 40 (tenants are numbered"
                + " from 0)",
            s -> s.set("/incidents/0/tenant", "40")),
        error(
            "incidents[2].tenant: must be an integer from 0 to 39, was -1 (tenants are numbered"
                + " from 0)",
            s -> s.set("/incidents/2/tenant", "-1")),
        error(
            "incidents[2].at: must be within the scenario's duration PT3H, was PT3H1S",
            s -> s.set("/incidents/2/at", "\"PT3H1S\"")),
        error(
            "incidents[1].component: unknown component \"linux\" " + COMPONENTS,
            s -> s.set("/incidents/1/component", "\"linux\"")),
        error(
            "incidents[1].version: a crash wave strikes a version the fleet runs from the start,"
                + " but windows has no version \"10.0\" (versions: 22631.3880, 19045.4651)",
            s -> s.set("/incidents/1/version", "\"10.0\"")),
        error(
            "expect.must[0].component: unknown component \"acme.agent\" " + COMPONENTS,
            s -> s.set("/expect/must/0/component", "\"acme.agent\"")),
        error(
            "expect.must[0].version: unknown version \"292\" of acme.sensor-content (versions in"
                + " the fleet or rolled out: 290, 291)",
            s -> s.set("/expect/must/0/version", "\"292\"")),
        error(
            "expect.may[0].component: unknown component \"linux\" " + COMPONENTS,
            s -> s.set("/expect/may/0/component", "\"linux\"")),
        error(
            "expect.must[0].before: unknown ring \"late\" (rings: canary, early, broad)",
            s -> s.set("/expect/must/0/before", "\"late\"")),
        error(
            "expect.must[1].before: no rollout of windows@22631.3880 has a wave in ring \"early\"",
            s ->
                s.set(
                    "/expect/must/1",
                    "{\"component\": \"windows\", \"version\": \"22631.3880\", \"action\":"
                        + " \"WATCH\", \"before\": \"early\"}")),
        error(
            "expect.may[1]: duplicate of expect.may[0] (windows@22631.3880)",
            s ->
                s.set(
                    "/expect/may/1", "{\"component\": \"windows\", \"version\": \"22631.3880\"}")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource
  void invalidJson(String json, String message) {
    assertThatThrownBy(() -> ScenarioLoader.parse(json, "bad.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(message);
  }

  static Stream<Arguments> invalidJson() {
    return Stream.of(
        Arguments.of("", "bad.json: $: empty file, expected a JSON object"),
        Arguments.of("  \n", "bad.json: $: empty file, expected a JSON object"),
        Arguments.of("[]", "bad.json: $: must be an object, was an array"),
        Arguments.of(
            "{\"name\": \"a\"} {}",
            "bad.json: $: invalid JSON (line 1, column 15): more content after the end of the"
                + " scenario object"),
        Arguments.of(
            "{\"name\": \"a\",\n \"name\": \"b\"}",
            "bad.json: name: invalid JSON (line 2, column 8): Duplicate field 'name'"),
        Arguments.of(
            "{\"fleet\": {\"rings\": [{\"name\": \"a\",}]}}",
            "bad.json: fleet.rings[0].name: invalid JSON (line 1, column 35): Unexpected"
                + " character ('}'"),
        Arguments.of(
            "{\"name\": \"a\" // note\n}", "bad.json: name: invalid JSON (line 1, column 14)"),
        Arguments.of("{\"name\": \"a\"", "bad.json: name: invalid JSON (line 1, column 13)"));
  }

  @Test
  void exceptionCarriesSourcePathAndReasonForTheCaller() {
    ScenarioException e =
        catchThrowableOfType(
            ScenarioException.class,
            () ->
                ScenarioLoader.parse(
                    ScenarioJson.reference().set("/fleet/rings/0/share", "1.7").json(),
                    "bad.json"));

    assertThat(e.source()).isEqualTo("bad.json");
    assertThat(e.path()).isEqualTo("fleet.rings[0].share");
    assertThat(e.reason()).isEqualTo("must be between 0 and 1, was 1.7");
  }

  @Test
  void loadNamesTheFileByItsName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, ScenarioJson.reference().remove("/fleet/devices").json());

    assertThatThrownBy(() -> ScenarioLoader.load(file))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("bad.json: fleet.devices: missing required field");
  }

  @Test
  void loadReportsAMissingFile(@TempDir Path dir) {
    ScenarioException e =
        catchThrowableOfType(
            ScenarioException.class, () -> ScenarioLoader.load(dir.resolve("nope.json")));

    assertThat(e).hasMessageStartingWith("nope.json: cannot read: no such file");
    assertThat(e.path()).isNull();
  }

  @Test
  void loadAcceptsAByteOrderMark(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bom.json");
    Files.writeString(file, "\uFEFF" + ScenarioJson.minimal().json());

    assertThat(ScenarioLoader.load(file).name()).isEqualTo("minimal");
  }

  private static Arguments error(String message, UnaryOperator<ScenarioJson> change) {
    return Arguments.of(message, change);
  }

  private static void assertRejected(UnaryOperator<ScenarioJson> change, String message) {
    String json = change.apply(ScenarioJson.reference()).json();
    assertThatThrownBy(() -> ScenarioLoader.parse(json, "bad.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("bad.json: " + message);
  }
}
