package dev.crashwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code crashwatch vendors add}, {@code vendors list} and {@code schemas register} as an operator
 * runs them, against the shared secured stack: the new vendor's settings file logs it in, it reads
 * its own feed and nothing else, and the commands print no password.
 */
class VendorsCommandIT {

  @TempDir Path dir;

  @Test
  void addedVendorReadsItsOwnFeedWithTheWrittenSettingsAndNothingElse() throws Exception {
    LocalStack stack = LocalStack.sharedSecured(PipelineSession.embeddedPlan());
    Path admin = stack.clientConfigFile(AccessPlan.ADMIN);
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    int add;
    int list;
    int register;
    int invalid;
    // The commands print to System.out, taken when picocli instantiates them.
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      CommandLine cli = new CommandLine(new Crashwatch());
      add =
          cli.execute(
              "vendors",
              "add",
              "zeta",
              "--config",
              admin.toString(),
              "--credentials-dir",
              dir.toString());
      list = cli.execute("vendors", "list", "--config", admin.toString());
      register =
          cli.execute(
              "schemas",
              "register",
              "--config",
              stack.clientConfigFile(AccessPlan.OPS).toString(),
              "--vendor",
              "zeta");
      invalid = cli.execute("vendors", "add", "Zeta.Evil", "--config", admin.toString());
    } finally {
      System.setOut(stdout);
    }
    String output = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(add).as(output).isZero();
    assertThat(list).as(output).isZero();
    assertThat(register).as(output).isZero();
    assertThat(invalid).isEqualTo(2);
    assertThat(output)
        .contains("vendor zeta: feed vendor-health.zeta (created), principal vendor.zeta")
        .contains("vendor-health.zeta-value");
    for (String secret : stack.secrets()) {
      assertThat(output).doesNotContain(secret);
    }

    Path file = dir.resolve("vendor.zeta.properties");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Settings zeta = ClientSettings.load(Optional.of(file));
    Map<String, String> login = new HashMap<>();
    zeta.kafkaClientSecurity().forEach((k, v) -> login.put(k, String.valueOf(v)));
    String password = login.get("sasl.jaas.config").replaceAll(".*password=\"([^\"]+)\".*", "$1");
    assertThat(output).doesNotContain(password);

    AccessProbe probe = new AccessProbe(zeta.getString("bootstrap.servers"), login, true);
    AccessPlan plan = PipelineSession.embeddedPlan();
    stack.createTopics(1, plan.names().alerts().get(0));
    assertThat(probe.joinGroup(AccessPlan.vendorGroups("zeta") + "reader", plan.vendorFeed("zeta")))
        .isEqualTo(AccessProbe.Outcome.ALLOWED);
    assertThat(probe.read(plan.names().alerts().get(0))).isEqualTo(AccessProbe.Outcome.REFUSED);
    assertThat(probe.write(plan.vendorFeed("zeta"))).isEqualTo(AccessProbe.Outcome.REFUSED);
  }
}
