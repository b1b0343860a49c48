package dev.crashwatch.emitter.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the version of one component comes from. The version is the first non-blank line, trimmed;
 * a source that cannot answer leaves the component out of the events rather than reporting a wrong
 * version, since a wrong version would put the device into the wrong exposure figures.
 */
public sealed interface ComponentSource {

  Optional<String> version(HostFiles host);

  /** A version known in advance (from the agent's own build, or configuration). */
  static ComponentSource fixed(String version) {
    return new Fixed(version);
  }

  /** A file whose content is the version, e.g. {@code /opt/acme/content/VERSION}. */
  static ComponentSource file(String hostPath) {
    return new FileContent(hostPath);
  }

  /** A command whose output is the version, e.g. {@code acmectl --version}. */
  static ComponentSource command(String... argv) {
    return new Command(List.of(argv));
  }

  record Fixed(String value) implements ComponentSource {
    @Override
    public Optional<String> version(HostFiles host) {
      return firstLine(value);
    }
  }

  /** Read through {@link HostFiles}, so fixture trees can hold component files too. */
  record FileContent(String hostPath) implements ComponentSource {
    @Override
    public Optional<String> version(HostFiles host) {
      return host.read(hostPath).flatMap(ComponentSource::firstLine);
    }
  }

  /**
   * Runs on the real host, not under the {@link HostFiles} root: a command cannot be pointed at a
   * fixture tree. Ten seconds at most; a non-zero exit is no answer.
   */
  record Command(List<String> argv) implements ComponentSource {
    public Command {
      argv = List.copyOf(argv);
    }

    @Override
    public Optional<String> version(HostFiles host) {
      try {
        Process p =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        // Version commands print a line or two; reading to the end before waiting cannot block.
        byte[] out = p.getInputStream().readNBytes(64 * 1024);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return Optional.empty();
        }
        return p.exitValue() == 0
            ? firstLine(new String(out, StandardCharsets.UTF_8))
            : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private static Optional<String> firstLine(String text) {
    return text.lines().map(String::trim).filter(s -> !s.isEmpty()).findFirst();
  }
}
