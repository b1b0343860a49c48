package dev.crashwatch.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crashwatch.emitter.TopicContents.Delivered;
import dev.crashwatch.schema.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * The emitter's delivery guarantee, checked on what the broker holds: at least once on the wire (a
 * batch that failed part-way is sent again whole), exactly once after consumers drop repeats by
 * event id. So every expected id must be there, nothing else may be, and a repeat must be a repeat
 * of the same event on the same topic, not another event under a reused id.
 */
final class ExactlyOnce {

  /**
   * @param records records on the topics
   * @param distinct distinct event ids among them
   * @param repeats records a de-duplicating consumer drops
   */
  record Figures(int records, int distinct, int repeats) {}

  private ExactlyOnce() {}

  static Figures assertExactlyOnceAfterDedup(
      Map<String, SpecificRecord> expected, List<Delivered> delivered, Topics topics) {
    Set<String> ids = new HashSet<>();
    for (Delivered d : delivered) {
      ids.add(d.eventId());
    }
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(ids);
    Set<String> unexpected = new TreeSet<>(ids);
    unexpected.removeAll(expected.keySet());
    assertThat(missing).as("expected event ids that never arrived (lost)").isEmpty();
    assertThat(unexpected).as("event ids that arrived but were never emitted").isEmpty();
    for (Delivered d : delivered) {
      SpecificRecord event = expected.get(d.eventId());
      assertThat(d.event())
          .as("%s at %s-%d@%d", d.eventId(), d.topic(), d.partition(), d.offset())
          .isEqualTo(event);
      assertThat(d.topic())
          .as("topic of %s", d.eventId())
          .isEqualTo(TestEvents.topicOf(topics, event));
    }
    return new Figures(delivered.size(), ids.size(), delivered.size() - ids.size());
  }
}
