package dev.crashwatch.launcher;

import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.schema.Topics;

/**
 * The topics the embedded broker needs before anything runs (it does not create topics on use): the
 * inputs with one partition count, so they co-partition, and the outputs with one partition. Vendor
 * health feeds are created by the processor when it learns a vendor.
 */
final class EmbeddedTopics {

  private EmbeddedTopics() {}

  static void create(LocalStack stack, Topics topics, int inputPartitions) {
    stack.createTopics(inputPartitions, topics.boots(), topics.crashes(), topics.heartbeats());
    stack.createTopics(1, topics.deadLetters(), topics.rollbackSignals(), topics.spikeAlerts());
  }
}
