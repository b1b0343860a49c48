package dev.crashwatch.emitter;

import dev.crashwatch.emitter.spool.SpoolConfig;
import dev.crashwatch.schema.EventSerdes;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Child-process main of {@link EmitterKillIT}: an emitter daemon as {@code crashwatch emit} runs
 * one (a {@link SpoolingEmitter} on a spool directory, the registry's serdes, a sender thread), fed
 * {@link TestEvents} at a steady rate instead of the host's heartbeats, so that the parent knows
 * each event from its id. {@code crashwatch emit} itself lives in the launcher, which depends on
 * this module, and says nothing per event.
 *
 * <p>Standard output is the protocol and nothing else: {@code accepted <id>} once {@code send}
 * returned for that event (it is in the spool then), and after {@code count} events {@code drained
 * <pending>} once it waited for delivery. Logs go to standard error.
 *
 * <p>Arguments: spool directory, bootstrap servers, registry URL, topic run name (see {@link
 * TestEvents#topics}), id prefix, count (-1: until killed), milliseconds between events.
 */
public final class EmitterChild {

  static final String ACCEPTED = "accepted ";
  static final String DRAINED = "drained ";

  private EmitterChild() {}

  public static void main(String[] args) throws Exception {
    // Before anything logs: logback's console appender writes to whatever System.out is now.
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    Path spool = Path.of(args[0]);
    String bootstrap = args[1];
    String registry = args[2];
    String run = args[3];
    String prefix = args[4];
    long count = Long.parseLong(args[5]);
    long intervalMillis = Long.parseLong(args[6]);

    try (SpoolingEmitter emitter =
        new SpoolingEmitter(
            spool,
            SpoolConfig.defaults(),
            bootstrap,
            EventSerdes.connect(registry),
            TestEvents.topics(run))) {
      for (long n = 0; count < 0 || n < count; n++) {
        SpecificRecord event = TestEvents.event(prefix, n);
        TestEvents.send(emitter, event);
        line(protocol, ACCEPTED + TestEvents.eventId(event));
        TimeUnit.MILLISECONDS.sleep(intervalMillis); // the steady rate of a daemon
      }
      emitter.drain(Duration.ofSeconds(60));
      line(protocol, DRAINED + emitter.pending());
    }
  }

  /** One write per line: a kill cannot leave half an id followed by a newline. */
  private static void line(OutputStream out, String text) throws IOException {
    out.write((text + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
