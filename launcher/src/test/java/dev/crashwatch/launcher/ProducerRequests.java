package dev.crashwatch.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.NetworkClient;
import org.slf4j.LoggerFactory;

/**
 * The requests one Kafka client sends, by kind, read from its network client's log while this is
 * open (which raises that log to DEBUG, for every client of the JVM).
 *
 * <p>Why from the log: the client's own metrics count requests of every kind together ({@code
 * request-total}), and a producer may refresh its metadata between two steps (a CI run of {@code
 * WholeStepsIT} counted two requests for a step that had left as one).
 */
final class ProducerRequests implements AutoCloseable {

  private static final Pattern SENDING =
      Pattern.compile("\\[Producer clientId=([^\\]]+)\\] Sending ([A-Z_]+) request with header");

  private final String clientId;
  private final Logger logger = (Logger) LoggerFactory.getLogger(NetworkClient.class);
  private final Level level = logger.getLevel();
  private final List<String> kinds = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          Matcher sending = SENDING.matcher(event.getFormattedMessage());
          if (sending.find() && sending.group(1).equals(clientId)) {
            synchronized (kinds) {
              kinds.add(sending.group(2));
            }
          }
        }
      };

  /** Starts reading the requests of the producer whose {@code client.id} is {@code clientId}. */
  ProducerRequests(String clientId) {
    this.clientId = clientId;
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  /** Every request sent so far, in order, by kind ({@code PRODUCE}, {@code METADATA}, ...). */
  List<String> all() {
    synchronized (kinds) {
      return List.copyOf(kinds);
    }
  }

  /** The produce requests among {@code requests}. */
  static long produce(List<String> requests) {
    return requests.stream().filter("PRODUCE"::equals).count();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(level);
  }
}
