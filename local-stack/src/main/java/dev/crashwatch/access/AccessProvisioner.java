package dev.crashwatch.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Applies an {@link AccessPlan} to a cluster through the Admin API, as the super user:
 * SCRAM-SHA-512 credentials, ACLs and vendor feeds. Every step is idempotent (an upsert, ACLs that
 * already exist, a topic that already exists), so running it twice changes nothing.
 */
public final class AccessProvisioner {

  /** The SASL mechanism of every principal. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  // RFC 7677 recommends at least 4096; Kafka's own default is 4096.
  private static final int ITERATIONS = 8192;
  private static final long TIMEOUT_SECONDS = 30;

  private final Admin admin;

  public AccessProvisioner(Admin admin) {
    this.admin = admin;
  }

  /** Creates or replaces the SCRAM-SHA-512 credential of {@code user}. */
  public void upsertCredential(String user, String password) {
    await(
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                        password)))
            .all(),
        "set the SCRAM credential of " + user);
  }

  /** Creates the ACLs (existing ones are left as they are). */
  public void grant(Collection<AclBinding> bindings) {
    if (!bindings.isEmpty()) {
      await(admin.createAcls(bindings).all(), "create " + bindings.size() + " ACLs");
    }
  }

  /** The ACLs that name {@code principal} ({@code User:} is added). */
  public Collection<AclBinding> aclsOf(String principal) {
    AclBindingFilter filter =
        new AclBindingFilter(
            new ResourcePatternFilter(ResourceType.ANY, null, PatternType.ANY),
            new org.apache.kafka.common.acl.AccessControlEntryFilter(
                "User:" + principal,
                null,
                org.apache.kafka.common.acl.AclOperation.ANY,
                org.apache.kafka.common.acl.AclPermissionType.ANY));
    return await(admin.describeAcls(filter).values(), "list the ACLs of " + principal);
  }

  /** Every user that has a SCRAM credential. */
  public List<String> users() {
    return new ArrayList<>(await(admin.describeUserScramCredentials().users(), "list SCRAM users"));
  }

  /**
   * Creates a vendor's feed (compacted: one record per component version, keyed {@code
   * component@version}; broker defaults for partitions and replicas), its principal's credential
   * and its ACLs.
   *
   * @return true if the feed topic was created now, false if it existed
   */
  public boolean addVendor(AccessPlan plan, String vendor, String password) {
    String feed = plan.vendorFeed(vendor);
    boolean created;
    try {
      admin
          .createTopics(
              List.of(
                  new NewTopic(feed, Optional.empty(), Optional.empty())
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      created = true;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + feed + ": " + e.getCause(), e);
      }
      created = false;
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating " + feed, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating " + feed, e);
    }
    upsertCredential(AccessPlan.vendorPrincipal(vendor), password);
    grant(plan.vendor(vendor));
    return created;
  }

  private static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out: " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }
}
