package dev.crashwatch.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the cluster: the principals of a secured deployment and their ACLs, in one
 * place, so that the secured local stack, {@code crashwatch vendors add} and the access-matrix
 * tests apply the same plan. Everything not granted here is refused: the broker runs with {@code
 * allow.everyone.if.no.acl.found=false}, and only {@value #ADMIN} is a super user.
 *
 * <ul>
 *   <li>{@value #EMITTER}: writes the three telemetry topics, reads nothing.
 *   <li>{@value #PROCESSOR}: reads its inputs and the catalogue, writes its outputs and the vendor
 *       feeds, owns the topics, consumer group and transactional ids under its application id.
 *   <li>{@value #SOC}: reads the alert topics with consumer groups under {@value #SOC_GROUPS}.
 *   <li>{@value #OPS}: writes the catalogue, creates topics, registers schemas.
 *   <li>{@value #BACKTEST}: reads the inputs and the catalogue; owns every topic, consumer group
 *       and transactional id under {@value #BACKTEST_PREFIX} ({@code crashwatch backtest}).
 *   <li>{@code vendor.<name>}: reads {@code vendor-health.<name>} only, with groups under {@code
 *       vendor.<name>.}.
 * </ul>
 *
 * @param names the topic names and the processor's application id the plan is about
 */
public record AccessPlan(Names names) {

  /** The super user: creates principals and ACLs; the broker's own links authenticate as it. */
  public static final String ADMIN = "admin";

  public static final String EMITTER = "emitter";
  public static final String PROCESSOR = "processor";
  public static final String SOC = "soc";
  public static final String OPS = "ops";
  public static final String BACKTEST = "backtest";

  /**
   * Every name of {@code crashwatch backtest} starts with this: its copies of the inputs, its
   * outputs, its application ids (so its internal topics, groups and transactional ids).
   */
  public static final String BACKTEST_PREFIX = "backtest.";

  /** Consumer groups of the SOC start with this. */
  public static final String SOC_GROUPS = "soc.";

  /** Consumer groups of the ops principal start with this. */
  public static final String OPS_GROUPS = "ops.";

  /** The fixed principals, in the order the matrix lists them; vendors come on top. */
  public static final List<String> FIXED_PRINCIPALS =
      List.of(ADMIN, EMITTER, PROCESSOR, SOC, OPS, BACKTEST);

  /**
   * Vendor names: lower-case letters, digits and hyphens, starting with a letter or digit. No dot,
   * so that one vendor's group prefix {@code vendor.<name>.} is never a prefix of another's, and no
   * character a topic name or a principal name would have to escape.
   */
  public static final Pattern VENDOR_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /**
   * The names the ACLs refer to.
   *
   * @param inputs the telemetry topics (boots, crashes, heartbeats)
   * @param catalogue the operator's component catalogue topic
   * @param alerts what the processor publishes for the SOC: rollback signals, spike alerts,
   *     per-version health, dead letters
   * @param vendorHealthPrefix the prefix of the per-vendor feeds, {@code vendor-health.}
   * @param applicationId the processor's Kafka Streams application id
   */
  public record Names(
      List<String> inputs,
      String catalogue,
      List<String> alerts,
      String vendorHealthPrefix,
      String applicationId) {
    public Names {
      inputs = List.copyOf(inputs);
      alerts = List.copyOf(alerts);
      Objects.requireNonNull(catalogue, "catalogue");
      Objects.requireNonNull(vendorHealthPrefix, "vendorHealthPrefix");
      Objects.requireNonNull(applicationId, "applicationId");
    }
  }

  /** The SCRAM user name of a vendor's principal. */
  public static String vendorPrincipal(String vendor) {
    return "vendor." + requireVendorName(vendor);
  }

  /** The consumer group prefix of a vendor. */
  public static String vendorGroups(String vendor) {
    return vendorPrincipal(vendor) + ".";
  }

  /**
   * Returns {@code vendor} if it is a valid vendor name.
   *
   * @throws IllegalArgumentException saying what a vendor name may contain
   */
  public static String requireVendorName(String vendor) {
    if (vendor == null || !VENDOR_NAME.matcher(vendor).matches()) {
      throw new IllegalArgumentException(
          "invalid vendor name '"
              + vendor
              + "': use 1 to 63 lower-case letters, digits and hyphens, starting with a letter or"
              + " digit");
    }
    return vendor;
  }

  /** The vendor's own health feed. */
  public String vendorFeed(String vendor) {
    return names.vendorHealthPrefix() + requireVendorName(vendor);
  }

  /** The ACLs of every fixed principal (the admin needs none: it is a super user). */
  public List<AclBinding> fixedBindings() {
    List<AclBinding> all = new ArrayList<>();
    all.addAll(emitter());
    all.addAll(processor());
    all.addAll(soc());
    all.addAll(ops());
    all.addAll(backtest());
    return all;
  }

  /** The emitters write telemetry and nothing else. */
  public List<AclBinding> emitter() {
    List<AclBinding> out = new ArrayList<>();
    for (String topic : names.inputs()) {
      out.add(topic(EMITTER, topic, PatternType.LITERAL, AclOperation.WRITE));
      out.add(topic(EMITTER, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
    }
    out.add(cluster(EMITTER, AclOperation.IDEMPOTENT_WRITE));
    return out;
  }

  /** The processor: inputs, catalogue, outputs, vendor feeds, and what its application id owns. */
  public List<AclBinding> processor() {
    List<AclBinding> out = new ArrayList<>(readsInputsAndCatalogue(PROCESSOR));
    for (String topic : names.alerts()) {
      out.add(topic(PROCESSOR, topic, PatternType.LITERAL, AclOperation.WRITE));
      out.add(topic(PROCESSOR, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
    }
    // Writes every vendor's feed; creating one is ops' job (vendors add).
    out.add(topic(PROCESSOR, names.vendorHealthPrefix(), PatternType.PREFIXED, AclOperation.WRITE));
    out.add(
        topic(PROCESSOR, names.vendorHealthPrefix(), PatternType.PREFIXED, AclOperation.DESCRIBE));
    // Kafka Streams' internal topics are <application.id>-<name>-repartition|changelog: it creates
    // them, reads and writes them, checks their configs and purges consumed repartition records.
    // The consumer group is the application id; exactly-once v2's transactional ids are
    // <application.id>-<process id>-<thread>.
    String internal = names.applicationId() + "-";
    out.addAll(ownsUnderPrefix(PROCESSOR, internal, names.applicationId(), internal));
    return out;
  }

  private List<AclBinding> readsInputsAndCatalogue(String principal) {
    List<AclBinding> out = new ArrayList<>();
    List<String> read = new ArrayList<>(names.inputs());
    read.add(names.catalogue());
    for (String topic : read) {
      out.add(topic(principal, topic, PatternType.LITERAL, AclOperation.READ));
      out.add(topic(principal, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
    }
    return out;
  }

  /** What a Kafka Streams application needs on its own topics, group and transactional ids. */
  private static List<AclBinding> ownsUnderPrefix(
      String principal, String topics, String groups, String transactionalIds) {
    List<AclBinding> out = new ArrayList<>();
    for (AclOperation op :
        List.of(
            AclOperation.CREATE,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.DELETE)) {
      out.add(topic(principal, topics, PatternType.PREFIXED, op));
    }
    for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
      out.add(binding(principal, ResourceType.GROUP, groups, PatternType.PREFIXED, op));
    }
    for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
      out.add(
          binding(
              principal,
              ResourceType.TRANSACTIONAL_ID,
              transactionalIds,
              PatternType.PREFIXED,
              op));
    }
    return out;
  }

  /** The SOC reads the alert topics and writes nothing. */
  public List<AclBinding> soc() {
    List<AclBinding> out = new ArrayList<>();
    for (String topic : names.alerts()) {
      out.add(topic(SOC, topic, PatternType.LITERAL, AclOperation.READ));
      out.add(topic(SOC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
    }
    out.add(binding(SOC, ResourceType.GROUP, SOC_GROUPS, PatternType.PREFIXED, AclOperation.READ));
    return out;
  }

  /** Ops: the catalogue (write and read it back), topic creation. */
  public List<AclBinding> ops() {
    List<AclBinding> out = new ArrayList<>();
    for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE)) {
      out.add(topic(OPS, names.catalogue(), PatternType.LITERAL, op));
    }
    out.add(cluster(OPS, AclOperation.IDEMPOTENT_WRITE));
    out.add(cluster(OPS, AclOperation.CREATE));
    out.add(binding(OPS, ResourceType.GROUP, OPS_GROUPS, PatternType.PREFIXED, AclOperation.READ));
    return out;
  }

  /**
   * The backtest reads the production inputs and catalogue, and writes nothing of production's: it
   * replays into topics of its own and runs the processor under application ids of its own, all
   * under {@value #BACKTEST_PREFIX}.
   */
  public List<AclBinding> backtest() {
    List<AclBinding> out = new ArrayList<>(readsInputsAndCatalogue(BACKTEST));
    out.addAll(ownsUnderPrefix(BACKTEST, BACKTEST_PREFIX, BACKTEST_PREFIX, BACKTEST_PREFIX));
    return out;
  }

  /** A vendor reads its own feed, with its own consumer groups, and nothing else. */
  public List<AclBinding> vendor(String vendor) {
    String principal = vendorPrincipal(vendor);
    String feed = vendorFeed(vendor);
    return List.of(
        topic(principal, feed, PatternType.LITERAL, AclOperation.READ),
        topic(principal, feed, PatternType.LITERAL, AclOperation.DESCRIBE),
        binding(
            principal,
            ResourceType.GROUP,
            vendorGroups(vendor),
            PatternType.PREFIXED,
            AclOperation.READ));
  }

  private static AclBinding topic(
      String principal, String name, PatternType pattern, AclOperation operation) {
    return binding(principal, ResourceType.TOPIC, name, pattern, operation);
  }

  private static AclBinding cluster(String principal, AclOperation operation) {
    return binding(
        principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, operation);
  }

  private static AclBinding binding(
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
  }
}
