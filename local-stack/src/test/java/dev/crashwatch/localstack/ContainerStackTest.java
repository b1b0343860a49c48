package dev.crashwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The container stack's selection, and its start: on a machine with a Docker engine it starts the
 * pinned images and answers with their addresses; without one (this project's machines) it refuses
 * with a message instead of falling back to something else.
 */
class ContainerStackTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty(LocalStack.STACK_PROPERTY);
  }

  @Test
  void embeddedUnlessContainersAreAskedFor() {
    assertThat(ContainerStack.selected())
        .isEqualTo("containers".equals(System.getenv("CRASHWATCH_STACK")));
    System.setProperty(LocalStack.STACK_PROPERTY, "containers");
    assertThat(ContainerStack.selected()).isTrue();
    System.setProperty(LocalStack.STACK_PROPERTY, "Embedded");
    assertThat(ContainerStack.selected()).isFalse();
    System.setProperty(LocalStack.STACK_PROPERTY, "docker");
    assertThatThrownBy(ContainerStack::selected)
        .hasMessageContaining("crashwatch.stack")
        .hasMessageContaining("'docker'");
  }

  @Test
  void theSamePinsAsTheComposeFile() throws Exception {
    String compose =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docker-compose.yml"));
    assertThat(compose)
        .contains("image: " + ContainerStack.KAFKA_IMAGE)
        .contains("image: " + ContainerStack.REGISTRY_IMAGE);
  }

  @Test
  void startsWhereDockerRunsAndRefusesWhereItDoesNot() {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      try (ContainerStack stack = ContainerStack.start()) {
        assertThat(stack.bootstrapServers()).isNotBlank();
        assertThat(stack.schemaRegistryUrl()).endsWith("/apis/ccompat/v7");
      }
    } else {
      assertThatThrownBy(ContainerStack::start).hasMessageContaining("no Docker engine answers");
    }
  }
}
