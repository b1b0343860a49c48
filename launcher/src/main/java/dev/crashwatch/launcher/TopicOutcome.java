package dev.crashwatch.launcher;

/**
 * What {@link TopicReconciler} did with one topic of the plan.
 *
 * @param topic the topic
 * @param kind created, changed, unchanged, or left different from the plan
 * @param detail for people: the configs set, or what differs and why it was left
 */
record TopicOutcome(String topic, Kind kind, String detail) {

  enum Kind {
    /** It did not exist; it was created as planned. */
    CREATED,
    /** It existed with other values of planned configs; those were set. */
    CHANGED,
    /** It existed as planned. */
    UNCHANGED,
    /** It differs from the plan in a way that is not changed automatically (partitions). */
    DIFFERS
  }

  String line() {
    return String.format(
        "  %-10s %-28s %s", kind.name().toLowerCase(java.util.Locale.ROOT), topic, detail);
  }
}
