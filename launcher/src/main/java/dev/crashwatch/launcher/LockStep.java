package dev.crashwatch.launcher;

import dev.crashwatch.processor.CrashwatchTopology;
import dev.crashwatch.simulator.PipelineFeedback;
import dev.crashwatch.simulator.report.ObservedSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The simulator's wait on the real pipeline at each step: the processor's group has committed every
 * record of the input topics and of its own repartition topics (so every figure and tick that the
 * step's events cause has reached the detector), and the signal collector has read every signal
 * written by then. Nothing is timed: each wait is on a condition.
 */
final class LockStep implements PipelineFeedback, AutoCloseable {

  private final Admin admin;
  private final ConsumerLag lag;
  private final String signalsTopic;
  private final String bootstrapServers;
  private final SignalCollector signals;
  private final Duration timeout;

  LockStep(
      Map<String, Object> kafka,
      String applicationId,
      List<String> inputs,
      String signalsTopic,
      SignalCollector signals,
      Duration timeout) {
    List<String> topics = new ArrayList<>(inputs);
    for (String internal :
        List.of(CrashwatchTopology.VERSION_DELTAS, CrashwatchTopology.DETECTOR_INPUT)) {
      topics.add(applicationId + "-" + internal + "-repartition");
    }
    this.admin = Admin.create(kafka);
    this.lag = new ConsumerLag(kafka, applicationId, topics);
    this.bootstrapServers = String.valueOf(kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.signalsTopic = signalsTopic;
    this.signals = signals;
    this.timeout = timeout;
  }

  @Override
  public List<ObservedSignal> awaitProcessed(Instant reached) throws InterruptedException {
    try {
      lag.awaitCaughtUp(admin, timeout);
      signals.awaitRead(ConsumerLag.endOffsets(admin, signalsTopic), timeout);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "waiting for the pipeline at " + reached + " on " + bootstrapServers + ": " + e, e);
    }
    return signals.signals();
  }

  @Override
  public void close() {
    admin.close();
  }
}
