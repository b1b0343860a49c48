package dev.crashwatch.launcher;

import dev.crashwatch.access.AccessPlan;
import dev.crashwatch.config.Settings;
import dev.crashwatch.localstack.LocalStack;
import dev.crashwatch.processor.ProcessorSettings;
import dev.crashwatch.schema.Topics;
import java.util.List;
import java.util.Optional;

/**
 * Which principal each part of a pipeline run connects as: the emitters (the simulated fleet), the
 * processor, the reader of signals and dead letters (the SOC), and the monitor that watches the
 * processor's progress for the lock-step (an operator: it reads the processor group's offsets).
 * Against your cluster all four use the same settings; on the secured embedded stack each is its
 * own principal, with the ACLs of {@link AccessPlan}.
 */
record PipelineAccess(
    Settings emitter, ProcessorSettings processor, Settings reader, Settings monitor) {

  /** Every part with the same settings. */
  static PipelineAccess single(ProcessorSettings settings) {
    return new PipelineAccess(settings.raw(), settings, settings.raw(), settings.raw());
  }

  /** Each part as its own principal of {@code stack}, from the stack's client settings files. */
  static PipelineAccess principalsOf(LocalStack stack) {
    return new PipelineAccess(
        ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.EMITTER))),
        ClientSettings.asProcessor(Optional.of(stack.clientConfigFile(AccessPlan.PROCESSOR))),
        ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.SOC))),
        ClientSettings.load(Optional.of(stack.clientConfigFile(AccessPlan.ADMIN))));
  }

  /** The access plan of a deployment with these topic names and this processor application id. */
  static AccessPlan plan(Topics topics, String applicationId) {
    return new AccessPlan(
        new AccessPlan.Names(
            topics.inputs(),
            topics.catalogue(),
            List.of(
                topics.rollbackSignals(),
                topics.spikeAlerts(),
                topics.versionHealth(),
                topics.deadLetters()),
            topics.vendorHealthPrefix(),
            applicationId));
  }
}
