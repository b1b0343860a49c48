package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  @Test
  void encodesUserColonPasswordInBase64() {
    // RFC 7617's example.
    assertThat(BasicAuth.header("Aladdin:open sesame"))
        .isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  }

  @Test
  void passwordMayContainColonsAndNonAscii() {
    assertThat(BasicAuth.header("ops:p:ä")).isEqualTo("Basic b3BzOnA6w6Q=");
  }

  @Test
  void missingColonFailsWithoutEchoingTheSecret() {
    assertThatThrownBy(() -> BasicAuth.header("justapassword"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.BASIC_AUTH_USER_INFO)
        .hasMessageNotContaining("justapassword");
  }
}
