package dev.crashwatch.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessPlanTest {

  private static final AccessPlan PLAN =
      new AccessPlan(
          new AccessPlan.Names(
              List.of("device-boots", "device-crashes", "sensor-heartbeats"),
              "component-catalogue",
              List.of(
                  "rollback-signals", "spike-alerts", "version-health", "telemetry-dead-letters"),
              "vendor-health.",
              "crashwatch-detector"));

  @ParameterizedTest
  @ValueSource(strings = {"acme", "acme-2", "0day", "a"})
  void vendorNamesOfLowerCaseLettersDigitsAndHyphensAreAccepted(String name) {
    assertThat(AccessPlan.requireVendorName(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Acme",
        "acme.evil",
        "-acme",
        "",
        "acme/x",
        "acme*",
        "acme evil",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void otherVendorNamesAreRefused(String name) {
    assertThatThrownBy(() -> AccessPlan.requireVendorName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case");
  }

  @Test
  void aVendorIsGrantedItsOwnFeedAndGroupsOnly() {
    List<AclBinding> acme = PLAN.vendor("acme");
    assertThat(acme)
        .allSatisfy(
            b -> {
              assertThat(b.entry().principal()).isEqualTo("User:vendor.acme");
              assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
              assertThat(b.entry().operation()).isIn(AclOperation.READ, AclOperation.DESCRIBE);
            });
    assertThat(acme)
        .filteredOn(b -> b.pattern().resourceType() == ResourceType.TOPIC)
        .allSatisfy(
            b -> {
              assertThat(b.pattern().name()).isEqualTo("vendor-health.acme");
              assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL);
            });
    // No vendor's group prefix is a prefix of another's: names cannot contain the separator.
    assertThat(AccessPlan.vendorGroups("acme-x")).doesNotStartWith(AccessPlan.vendorGroups("acme"));
  }

  @Test
  void noFixedPrincipalGetsAWildcardOrAllOperations() {
    assertThat(PLAN.fixedBindings())
        .allSatisfy(
            b -> {
              assertThat(b.pattern().name()).isNotEqualTo("*");
              assertThat(b.entry().operation()).isNotEqualTo(AclOperation.ALL);
              assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
            });
  }

  @Test
  void theBacktestReadsTheInputsAndWritesAndCreatesOnlyUnderItsPrefix() {
    List<AclBinding> backtest = PLAN.backtest();
    assertThat(backtest)
        .filteredOn(
            b ->
                b.entry().operation() != AclOperation.READ
                    && b.entry().operation() != AclOperation.DESCRIBE)
        .isNotEmpty()
        .allSatisfy(
            b -> {
              assertThat(b.pattern().name()).isEqualTo(AccessPlan.BACKTEST_PREFIX);
              assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
            });
    assertThat(backtest)
        .filteredOn(b -> b.pattern().patternType() == PatternType.LITERAL)
        .extracting(b -> b.pattern().name())
        .containsOnly("device-boots", "device-crashes", "sensor-heartbeats", "component-catalogue");
    assertThat(AccessPlan.FIXED_PRINCIPALS).contains(AccessPlan.BACKTEST);
  }

  @Test
  void emittersReadNothingAndTheSocWritesNothing() {
    assertThat(PLAN.emitter()).noneMatch(b -> b.entry().operation() == AclOperation.READ);
    assertThat(PLAN.soc())
        .noneMatch(
            b ->
                b.entry().operation() == AclOperation.WRITE
                    || b.entry().operation() == AclOperation.CREATE);
  }

  @Test
  void theProcessorCreatesTopicsOnlyUnderItsApplicationId() {
    assertThat(PLAN.processor())
        .filteredOn(b -> b.entry().operation() == AclOperation.CREATE)
        .allSatisfy(
            b -> {
              assertThat(b.pattern().name()).isEqualTo("crashwatch-detector-");
              assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
            });
  }
}
