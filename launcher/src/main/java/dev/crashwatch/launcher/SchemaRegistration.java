package dev.crashwatch.launcher;

import dev.crashwatch.events.Boot;
import dev.crashwatch.events.CatalogueEntry;
import dev.crashwatch.events.Crash;
import dev.crashwatch.events.DeadLetter;
import dev.crashwatch.events.RollbackSignal;
import dev.crashwatch.events.SensorHeartbeat;
import dev.crashwatch.events.SpikeAlert;
import dev.crashwatch.events.VendorHealth;
import dev.crashwatch.events.VersionHealth;
import dev.crashwatch.schema.Topics;
import dev.crashwatch.serde.RegistryClient;
import dev.crashwatch.serde.SubjectNameStrategy;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The ops step of a deployment whose clients do not register schemas ({@code
 * schema.registry.auto.register=false}): every value schema under its topic's subject (Confluent's
 * TopicNameStrategy, {@code <topic>-value}), including one subject per vendor feed. Registering an
 * already registered schema returns its id, so this is idempotent; an incompatible change is
 * refused by the registry's BACKWARD rule.
 */
final class SchemaRegistration {

  private SchemaRegistration() {}

  /** Topic → the schema of its values, for every fixed topic of the pipeline. */
  static Map<String, Schema> fixed(Topics topics) {
    Map<String, Schema> out = new LinkedHashMap<>();
    out.put(topics.boots(), Boot.getClassSchema());
    out.put(topics.crashes(), Crash.getClassSchema());
    out.put(topics.heartbeats(), SensorHeartbeat.getClassSchema());
    out.put(topics.deadLetters(), DeadLetter.getClassSchema());
    out.put(topics.rollbackSignals(), RollbackSignal.getClassSchema());
    out.put(topics.spikeAlerts(), SpikeAlert.getClassSchema());
    out.put(topics.versionHealth(), VersionHealth.getClassSchema());
    out.put(topics.catalogue(), CatalogueEntry.getClassSchema());
    return out;
  }

  /** Registers the fixed topics' schemas and those of the given vendor feeds; subject → id. */
  static Map<String, Integer> register(
      RegistryClient registry, Topics topics, Collection<String> vendorFeeds) {
    Map<String, Schema> all = fixed(topics);
    vendorFeeds.forEach(feed -> all.put(feed, VendorHealth.getClassSchema()));
    Map<String, Integer> ids = new LinkedHashMap<>();
    all.forEach(
        (topic, schema) -> {
          String subject = SubjectNameStrategy.TOPIC_NAME.subjectName(topic, false, schema);
          ids.put(subject, registry.register(subject, schema));
        });
    return ids;
  }
}
