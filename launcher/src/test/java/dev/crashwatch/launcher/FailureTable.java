package dev.crashwatch.launcher;

import dev.crashwatch.events.RollbackSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The failure suite's table: one row per fault, as the README shows it, appended to {@link #FILE}
 * by each test as it ends (the README's table is copied from a run's file) and printed.
 */
final class FailureTable {

  static final Path FILE = Path.of("target", "failure-suite", "table.md");

  static final String HEADER =
      "| fault | times injected | records in | signals out | signals compared | lost |"
          + " duplicated | evidence differs | reproduce |\n|---|---|---|---|---|---|---|---|---|\n";

  private FailureTable() {}

  /** A signal as a consumer de-duplicates it: its id (which names the action) and action. */
  static String canonical(RollbackSignal s) {
    return s.getSignalId() + " " + s.getAction();
  }

  /**
   * The evidence of a signal that must not depend on faults: when it was decided (the end of the
   * evaluation's window) and on how many exposed, crashed and silent devices, with which module.
   * Exposure is read as of the window's end (changes of later minutes that a faster task has
   * already sent are taken back out), so it is exact too.
   */
  static String evidence(RollbackSignal s) {
    var e = s.getEvidence();
    return "decided at "
        + e.getDecisionTime()
        + " on "
        + e.getExposedDevices()
        + " exposed, "
        + e.getCrashedDevices()
        + " crashed, "
        + e.getSilentDevices()
        + " silent, module "
        + e.getTopModule();
  }

  /**
   * Signals of {@code run} with the id and action of one of {@code reference} but other {@link
   * #evidence}: the same decision, taken at another evaluation or on other figures.
   */
  static List<String> otherEvidence(List<RollbackSignal> reference, List<RollbackSignal> run) {
    Map<String, RollbackSignal> byId = new HashMap<>();
    reference.forEach(s -> byId.put(canonical(s), s));
    List<String> out = new ArrayList<>();
    for (RollbackSignal s : run) {
      RollbackSignal r = byId.get(canonical(s));
      if (r != null && !evidence(r).equals(evidence(s))) {
        out.add(canonical(s) + ": " + evidence(s) + "; reference " + evidence(r));
      }
    }
    return out;
  }

  /** Signals of {@code reference} that {@code run} lacks (by id and action). */
  static List<String> lost(List<RollbackSignal> reference, List<RollbackSignal> run) {
    Set<String> seen = new HashSet<>();
    run.forEach(s -> seen.add(canonical(s)));
    List<String> out = new ArrayList<>();
    reference.forEach(
        s -> {
          if (!seen.contains(canonical(s))) {
            out.add(canonical(s));
          }
        });
    return out;
  }

  /** Signals written more than once (by id), or that the reference run did not write. */
  static List<String> duplicatedOrInvented(
      List<RollbackSignal> reference, List<RollbackSignal> run) {
    Set<String> expected = new HashSet<>();
    reference.forEach(s -> expected.add(canonical(s)));
    Set<String> ids = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (RollbackSignal s : run) {
      if (!ids.add(s.getSignalId()) || !expected.contains(canonical(s))) {
        out.add(canonical(s));
      }
    }
    return out;
  }

  static synchronized void row(
      String fault,
      int injected,
      long recordsIn,
      int signalsOut,
      int compared,
      int lost,
      int duplicated,
      int otherEvidence,
      String test) {
    String line =
        String.format(
            "| %s | %d | %,d | %d | %d | %d | %d | %d | `./mvnw -B -ntp -pl launcher -am verify"
                + " -Dit.test='%s' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false` |%n",
            fault,
            injected,
            recordsIn,
            signalsOut,
            compared,
            lost,
            duplicated,
            otherEvidence,
            test);
    try {
      Files.createDirectories(FILE.getParent());
      if (!Files.exists(FILE)) {
        Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
      }
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.print("failure suite: " + line);
  }
}
