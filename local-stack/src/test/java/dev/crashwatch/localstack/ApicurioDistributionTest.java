package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApicurioDistributionTest {

  @AfterEach
  void clearOverride() {
    System.clearProperty(ApicurioDistribution.HOME_PROPERTY);
  }

  @Test
  void buildRecordsTheUnpackedRunnerJar() {
    assertThat(ApicurioDistribution.runnerJar())
        .isRegularFile()
        .hasFileName("apicurio-registry-app-" + ApicurioDistribution.version() + "-runner.jar");
    assertThat(ApicurioDistribution.runnerJar().resolveSibling("lib")).isDirectory();
  }

  @Test
  void overrideMayNameTheDistributionDirectory() {
    Path runner = ApicurioDistribution.runnerJar();
    System.setProperty(ApicurioDistribution.HOME_PROPERTY, runner.getParent().toString());

    assertThat(ApicurioDistribution.runnerJar()).isEqualTo(runner);
  }

  @Test
  void missingDistributionSaysHowToBuildIt() {
    Path empty = Path.of("target", "no-apicurio-here").toAbsolutePath();
    System.setProperty(ApicurioDistribution.HOME_PROPERTY, empty.toString());

    assertThatThrownBy(ApicurioDistribution::runnerJar)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("mvn -pl local-stack -am package")
        .hasMessageContaining(ApicurioDistribution.HOME_ENV);
  }
}
