package dev.crashwatch.launcher;

import dev.crashwatch.schema.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes a cluster's topics match a plan, idempotently: creates what is missing, sets the planned
 * configs that differ (and only those: a config the plan does not name is the cluster's), and
 * reports a partition count that differs without changing it, since more partitions would move keys
 * away from the state built for them.
 */
final class TopicReconciler {

  private final Admin admin;
  private final Duration timeout;
  private final boolean dryRun;

  TopicReconciler(Admin admin, Duration timeout) {
    this(admin, timeout, false);
  }

  /** With {@code dryRun}, reports what it would do and changes nothing. */
  TopicReconciler(Admin admin, Duration timeout, boolean dryRun) {
    this.admin = admin;
    this.timeout = timeout;
    this.dryRun = dryRun;
  }

  /** Applies {@code specs} and returns what happened to each, in their order. */
  List<TopicOutcome> apply(List<TopicSpec> specs) throws Exception {
    Map<String, TopicDescription> existing = describe(specs);
    List<TopicOutcome> outcomes = new ArrayList<>();
    List<TopicSpec> created = new ArrayList<>();
    for (TopicSpec spec : specs) {
      TopicDescription description = existing.get(spec.name());
      if (description == null && create(spec)) {
        created.add(spec);
        outcomes.add(new TopicOutcome(spec.name(), TopicOutcome.Kind.CREATED, summary(spec)));
      } else {
        outcomes.add(reconcile(spec, description == null ? describeOne(spec) : description));
      }
    }
    if (!dryRun) {
      awaitLeaders(created.stream().map(TopicSpec::name).toList());
    }
    return outcomes;
  }

  private Map<String, TopicDescription> describe(List<TopicSpec> specs) throws Exception {
    Map<String, TopicDescription> found = new TreeMap<>();
    var futures =
        admin.describeTopics(specs.stream().map(TopicSpec::name).toList()).topicNameValues();
    for (var entry : futures.entrySet()) {
      try {
        found.put(entry.getKey(), get(entry.getValue()));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException(
              "cannot describe topic " + entry.getKey() + ": " + e.getCause().getMessage(),
              e.getCause());
        }
      }
    }
    return found;
  }

  private TopicDescription describeOne(TopicSpec spec) throws Exception {
    return get(admin.describeTopics(List.of(spec.name())).topicNameValues().get(spec.name()));
  }

  /** True if this call created it; false if someone else did in the meantime. */
  private boolean create(TopicSpec spec) throws Exception {
    if (dryRun) {
      return true;
    }
    NewTopic topic =
        new NewTopic(
                spec.name(), java.util.Optional.of(spec.partitions()), spec.replicationFactor())
            .configs(spec.configs());
    try {
      get(admin.createTopics(List.of(topic)).all());
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new IllegalStateException(
          "cannot create topic " + spec.name() + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private TopicOutcome reconcile(TopicSpec spec, TopicDescription description) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
    Config current = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
    List<AlterConfigOp> changes = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    spec.configs()
        .forEach(
            (key, planned) -> {
              ConfigEntry entry = current.get(key);
              String value = entry == null ? null : entry.value();
              if (!planned.equals(value)) {
                changes.add(
                    new AlterConfigOp(new ConfigEntry(key, planned), AlterConfigOp.OpType.SET));
                changed.add(key + " " + value + " -> " + planned);
              }
            });
    if (!changes.isEmpty() && !dryRun) {
      get(admin.incrementalAlterConfigs(Map.of(resource, changes)).all());
    }
    int partitions = description.partitions().size();
    if (partitions != spec.partitions()) {
      String detail =
          String.format(
              "%d partitions, the plan says %d: left as it is (changing the count moves keys"
                  + " away from their state; recreate the topic, or set the plan's count to %d)%s",
              partitions,
              spec.partitions(),
              partitions,
              changed.isEmpty() ? "" : "; set " + String.join(", ", changed));
      return new TopicOutcome(spec.name(), TopicOutcome.Kind.DIFFERS, detail);
    }
    if (!changed.isEmpty()) {
      return new TopicOutcome(spec.name(), TopicOutcome.Kind.CHANGED, String.join(", ", changed));
    }
    return new TopicOutcome(spec.name(), TopicOutcome.Kind.UNCHANGED, summary(spec));
  }

  private static String summary(TopicSpec spec) {
    return spec.partitions()
        + (spec.partitions() == 1 ? " partition " : " partitions ")
        + spec.configs().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
  }

  /** Waits until every partition of the new topics has a leader, so clients can use them. */
  private void awaitLeaders(Collection<String> topics) throws Exception {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String waiting = String.valueOf(topics);
    while (System.nanoTime() < deadline) {
      try {
        Set<String> leaderless =
            get(admin.describeTopics(topics).allTopicNames()).values().stream()
                .filter(
                    d ->
                        d.partitions().stream()
                            .map(TopicPartitionInfo::leader)
                            .anyMatch(l -> l == null || l.isEmpty()))
                .map(TopicDescription::name)
                .collect(Collectors.toSet());
        if (leaderless.isEmpty()) {
          return;
        }
        waiting = leaderless.toString();
      } catch (ExecutionException e) {
        // Just created: the metadata may not have reached the broker that answered yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      // A new topic's partitions get their leaders within milliseconds on a healthy cluster.
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new IllegalStateException(
        "topics " + waiting + " have no leader after " + timeout.toSeconds() + " s");
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
    return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
