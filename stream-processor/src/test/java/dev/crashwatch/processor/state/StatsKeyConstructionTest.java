package dev.crashwatch.processor.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hot path builds keys and deltas with the generated all-arguments constructors, whose
 * arguments are positional: each must make what the builder makes, field for field, also after a
 * field is added to a schema.
 */
class StatsKeyConstructionTest {

  @Test
  void theNoChangeDeltaIsTheBuildersDefault() {
    assertThat(DeviceStateProcessor.noChange()).isEqualTo(VersionDelta.newBuilder().build());
  }

  @Test
  void versionPairAndTenantKeysAreTheBuildersKeys() {
    assertThat(VersionKey.of("windows", "22631.3880"))
        .isEqualTo(
            StatsKey.newBuilder()
                .setKind(StatsKeyKind.VERSION)
                .setComponent("windows")
                .setVersion("22631.3880")
                .build());
    assertThat(PairKey.of(new VersionKey("b", "2"), new VersionKey("a", "1")))
        .isEqualTo(
            StatsKey.newBuilder()
                .setKind(StatsKeyKind.PAIR)
                .setComponent("a")
                .setVersion("1")
                .setOtherComponent("b")
                .setOtherVersion("2")
                .build());
    assertThat(DeviceStateProcessor.tenantKey("tenant-1"))
        .isEqualTo(
            StatsKey.newBuilder().setKind(StatsKeyKind.TENANT).setTenant("tenant-1").build());
  }
}
