package dev.crashwatch.launcher;

import picocli.CommandLine.Option;

/** {@code --secured}, for the commands that run the embedded stack (a picocli mixin). */
final class SecuredOption {

  @Option(
      names = "--secured",
      description =
          "Secure the embedded stack: TLS listeners, SCRAM-SHA-512 principals and ACLs; the"
              + " emitters, the processor and the signal reader each log in as their own"
              + " principal.")
  boolean secured;
}
