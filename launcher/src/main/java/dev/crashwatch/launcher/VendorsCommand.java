package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.access.AccessProvisioner;
import dev.crashwatch.access.ClientConfigFile;
import dev.crashwatch.access.ScramClient;
import dev.crashwatch.config.RegistrySettings;
import dev.crashwatch.config.Settings;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.localstack.Secrets;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.SubjectNameStrategy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Vendors of a secured deployment: each reads its own health feed, {@code vendor-health.<name>},
 * and nothing else (see {@link AccessPlan}). Run as the admin principal (a super user), whose
 * settings come from {@code --config} or {@code CRASHWATCH_*} variables.
 */
@Command(
    name = "vendors",
    mixinStandardHelpOptions = true,
    description = "Vendor feeds, principals and ACLs on a secured cluster.",
    subcommands = {VendorsCommand.Add.class, VendorsCommand.ListVendors.class})
final class VendorsCommand {

  /** The admin's settings: addresses, kafka.* login, registry, topic names, application id. */
  static final class AdminOptions {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "The admin principal's settings (bootstrap.servers, kafka.* SASL_SSL login, the"
                + " registry's URL and TLS).")
    Path config;

    Settings settings() {
      return ClientSettings.load(Optional.ofNullable(config));
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Create the vendor's feed vendor-health.NAME (compacted), its principal vendor.NAME"
            + " (SCRAM-SHA-512, a random password), its ACLs (read its feed, consumer groups"
            + " vendor.NAME.*), and register the feed's schema. Idempotent, except that the"
            + " password is new each time.",
        "The vendor's client settings, password included, are written to a 0600 file; the"
            + " password is never printed."
      })
  static final class Add implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "Vendor name: lower-case letters, digits, '-'.")
    String vendor;

    @picocli.CommandLine.Mixin AdminOptions admin;

    @Option(
        names = "--credentials-dir",
        paramLabel = "DIR",
        defaultValue = ".crashwatch/vendors",
        description = "Where the vendor's settings file goes (default: ${DEFAULT-VALUE}).")
    Path credentialsDir;

    private final PrintStream out = System.out;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (!AccessPlan.VENDOR_NAME.matcher(vendor).matches()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "NAME: '"
                + vendor
                + "' is not a vendor name (1 to 63 lower-case letters, digits and '-', starting"
                + " with a letter or digit)");
      }
      Settings settings = admin.settings();
      AccessPlan plan =
          PipelineAccess.plan(Topics.from(settings), settings.getString("application.id"));
      String password = Secrets.randomPassword();
      boolean created;
      try (Admin client = Admin.create(ClientSettings.kafka(settings))) {
        created = new AccessProvisioner(client).addVendor(plan, vendor, password);
      }
      String feed = plan.vendorFeed(vendor);
      Optional<String> registry = settings.getOptional(RegistrySettings.URL);
      if (registry.isPresent()) {
        var schema = VendorHealth.getClassSchema();
        String subject = SubjectNameStrategy.TOPIC_NAME.subjectName(feed, false, schema);
        int id = ClientSettings.serdes(settings).registry().register(subject, schema);
        out.printf("  schema %s registered (id %d)%n", subject, id);
      }
      Path file = credentialsDir.resolve(AccessPlan.vendorPrincipal(vendor) + ".properties");
      ClientConfigFile.write(
          file, AccessPlan.vendorPrincipal(vendor), vendorSettings(settings, password));
      out.printf(
          "vendor %s: feed %s (%s), principal %s (SCRAM-SHA-512), %d ACLs: read %s, consumer"
              + " groups %s*%n",
          vendor,
          feed,
          created ? "created" : "existed",
          AccessPlan.vendorPrincipal(vendor),
          plan.vendor(vendor).size(),
          feed,
          AccessPlan.vendorGroups(vendor));
      out.printf("  the vendor's client settings (password included, 0600): %s%n", file);
      return 0;
    }

    /**
     * The vendor's settings: the admin's connection (addresses, protocol, truststores) with the
     * vendor's own login instead of the admin's; never the admin's password.
     */
    private Map<String, String> vendorSettings(Settings admin, String password) {
      Map<String, String> out = new LinkedHashMap<>();
      out.put("bootstrap.servers", admin.getString("bootstrap.servers"));
      admin.kafkaClientSecurity().forEach((k, v) -> out.put("kafka." + k, String.valueOf(v)));
      out.keySet().removeIf(k -> k.startsWith("kafka.sasl."));
      out.putAll(
          ClientConfigFile.kafkaKeys(
              ScramClient.login(AccessPlan.vendorPrincipal(vendor), password)));
      admin.getOptional(RegistrySettings.URL).ifPresent(u -> out.put(RegistrySettings.URL, u));
      for (String key :
          new String[] {
            RegistrySettings.TRUSTSTORE_LOCATION,
            RegistrySettings.TRUSTSTORE_PASSWORD,
            RegistrySettings.TRUSTSTORE_TYPE
          }) {
        admin.getOptional(key).ifPresent(v -> out.put(key, v));
      }
      return out;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the vendor feeds, the vendor principals and their ACLs.")
  static final class ListVendors implements Callable<Integer> {

    @picocli.CommandLine.Mixin AdminOptions admin;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
      Settings settings = admin.settings();
      Topics topics = Topics.from(settings);
      try (Admin client = Admin.create(ClientSettings.kafka(settings))) {
        Set<String> vendors = new TreeSet<>();
        for (String topic : client.listTopics().names().get(30, TimeUnit.SECONDS)) {
          if (topic.startsWith(topics.vendorHealthPrefix())) {
            vendors.add(topic.substring(topics.vendorHealthPrefix().length()));
          }
        }
        AccessProvisioner provisioner = new AccessProvisioner(client);
        for (String user : provisioner.users()) {
          if (user.startsWith("vendor.")) {
            vendors.add(user.substring("vendor.".length()));
          }
        }
        out.printf("%-20s %-32s %-24s %s%n", "vendor", "feed", "principal", "ACLs");
        for (String vendor : vendors) {
          String principal = "vendor." + vendor;
          Collection<AclBinding> acls = provisioner.aclsOf(principal);
          out.printf(
              "%-20s %-32s %-24s %s%n",
              vendor,
              topics.vendorHealth(vendor),
              provisioner.users().contains(principal) ? principal : "(none)",
              describe(acls));
        }
      }
      return 0;
    }

    private static String describe(Collection<AclBinding> acls) {
      if (acls.isEmpty()) {
        return "none";
      }
      Set<String> parts = new TreeSet<>();
      for (AclBinding b : acls) {
        parts.add(
            b.entry().operation()
                + " "
                + b.pattern().resourceType().name().toLowerCase(java.util.Locale.ROOT)
                + " "
                + b.pattern().name()
                + (b.pattern().patternType().name().equals("PREFIXED") ? "*" : ""));
      }
      return String.join(", ", parts);
    }
  }
}
