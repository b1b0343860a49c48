package dev.crashwatch.processor.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides which versions whose spike test passed are to blame, and which only look elevated because
 * their devices also run another candidate (a crash wave on one OS build raises the rate of every
 * sensor version on that build).
 *
 * <p>The rule, for candidates A and B of different components (versions of one component are
 * disjoint and never explain each other):
 *
 * <ol>
 *   <li><b>A is explained by B</b> when, restricted to the devices <em>not</em> running B, A no
 *       longer passes even WATCH against the rest of its component's fleet restricted the same way
 *       (a stratified comparison: A on B's sibling versions against A's siblings on B's siblings,
 *       from the {@link Overlaps} cross counts).
 *   <li>If A is explained by B and B is not explained by A, A is not blamed: B is the cause. When
 *       most of A's failing devices also run B, its window's top module is B's, and A, without
 *       them, passes only at a lower level than its own, B accounts for A as well, but A is blamed
 *       for that residual at its level (a healthy sensor build beside content 291 with a small
 *       excess of its own is a WATCH, not the content's ROLLBACK).
 *   <li>If each explains the other, the failures sit on the devices running both: an interaction
 *       (e.g. content 291 crashes only sensor build 7.11). Counts cannot tell the two apart, so the
 *       tie is broken by evidence, in this order: the top faulting module belonging to exactly one
 *       of them (strong evidence for that component); the newer version by {@link
 *       VersionFigures#firstSeenTime()} (the change that came last, and the one a rollback can
 *       undo); the higher rate ratio; the key. The loser is not blamed.
 *   <li><b>Jointly.</b> A candidate that no single other candidate explains (or that one explains
 *       only in part, rule 2's residual), and that has no module evidence of its own, is tested
 *       again with the devices running <em>any</em> of the candidates of other components that
 *       stand out on the devices not running it, or whose crashes in their own module stand out on
 *       their own, removed, on its side and on its comparison group's (two faulty releases in one
 *       ring each explain only part of a third version's failures). Own-module crashes count
 *       whether or not they are the top module: of two faulty drivers rolled out together, the one
 *       that crashes less never has it; and in the first minutes, before the crash reports with
 *       their modules arrive, it is the failures away from A that tell the drivers from A. A
 *       version all of whose failures the causes hold is not blamed, not even for a residual.
 *       Module evidence is never explained away by rates: a candidate with its own module on top,
 *       or whose own-module crashes stand out, stays blamed. Pair counts cannot say how many
 *       devices run two of those candidates at once, so the removal is the sum of the pair counts:
 *       an upper bound, which can only explain a version away more readily, never blame it.
 *   <li>Every candidate not explained in this way is blamed; two independent causes (a content
 *       update and an OS crash wave) are both blamed, each on its own component.
 *   <li>A version that did not pass on its own, because a blamed candidate raised its comparison
 *       group as much as itself (content 291 crashes devices on every OS build and hides an OS
 *       crash wave), is blamed too when it passes on the devices not running that candidate and is
 *       explained by no blamed candidate; its verdict carries that restricted test. A version with
 *       no sibling version in the fleet has no comparison group and is never unmasked.
 * </ol>
 *
 * <p>Unclean shutdowns without a bugcheck (a power outage at a site) are not crashes: the caller
 * excludes them from the figures and cross counts, so they never reach this resolver.
 */
public final class BlameResolver {

  /**
   * The share of a version's failures that may have been counted on the version its devices ran
   * before it. A device's first crash-boot after an update can reach the processor before the
   * heartbeat that announced the update (they travel on different topics and partitions), and is
   * then counted on the old version, at most once per device (the boot itself reports the new one).
   * So B's crashes leak a little into the stratum "not running B", and only on the devices of the A
   * that B crashes, never on A's siblings that it spares: against a crash-free stratum, a leak of
   * 0.06% of B's failures (38 devices of 63,576, measured in channel-file-291 with the controller
   * off) made sensor 7.11 stand out on its own at ROLLBACK level. The leak grows with the fleet, so
   * it is allowed for as a share, not a count. The cost: A's own excess must be above 1% of the
   * failures it shares with B to be blamed beside B; below that it is blamed once B's failures
   * leave the window.
   */
  static final double MISATTRIBUTED_SHARE = 0.01;

  private final SpikeTest test;

  public BlameResolver(SpikeTest test) {
    this.test = test;
  }

  /**
   * The candidates, in key order: the versions with figures whose own test passes. Their components
   * say which cross counts {@link #resolve} reads (see {@link Overlaps}).
   */
  public static List<String> candidates(
      Map<String, VersionFigures> figures, Map<String, TestResult> results) {
    List<String> candidates = new ArrayList<>();
    results.forEach(
        (key, r) -> {
          if (r.passes() && figures.containsKey(key)) {
            candidates.add(key);
          }
        });
    candidates.sort(null);
    return candidates;
  }

  /**
   * Resolves blame among the candidates.
   *
   * @param figures every version of every component in the window, by component@version
   * @param results the spike test of each version against its own baseline; the candidates are
   *     those that pass
   * @param overlaps cross counts (see {@link Overlaps} for which pairs are needed)
   * @return a verdict per candidate, by key in key order
   */
  public Map<String, Blame> resolve(
      Map<String, VersionFigures> figures, Map<String, TestResult> results, Overlaps overlaps) {
    List<String> candidates = candidates(figures, results);

    Map<String, Blame> out = new TreeMap<>();
    for (String a : candidates) {
      VersionFigures fa = figures.get(a);
      Blame verdict = null;
      TestResult residual = null;
      String residualBesides = null;
      for (String b : candidates) {
        VersionFigures fb = figures.get(b);
        if (fa.component().equals(fb.component())) {
          continue;
        }
        TestResult aWithoutB = restricted(fa, fb, figures, overlaps);
        if (!accountsFor(fb, fa, aWithoutB, results.get(a), overlaps)) {
          continue;
        }
        TestResult bWithoutA = restricted(fb, fa, figures, overlaps);
        boolean mutual = accountsFor(fa, fb, bWithoutA, results.get(b), overlaps);
        if (mutual && winner(fa, fb, results.get(a), results.get(b)) == fa) {
          continue;
        }
        if (aWithoutB.passes()) {
          // B's devices hold most of A's failures, but A still stands out without them: A is
          // blamed only for what is left, at the level that residual reaches
          if (residual == null || aWithoutB.level().severity() < residual.level().severity()) {
            residual = aWithoutB;
            residualBesides = b;
          }
          continue;
        }
        verdict =
            new Blame(
                a,
                results.get(a),
                false,
                b,
                String.format(
                    Locale.ROOT,
                    "explained by %s%s: on devices not running it the rate is %.4g against %.4g"
                        + " for the rest of %s",
                    b,
                    mutual ? " (failures only where both run; " + b + " wins the tie)" : "",
                    aWithoutB.rate(),
                    aWithoutB.baselineRate(),
                    fa.component()));
        break;
      }
      if (verdict == null) {
        // before the residual: several causes removed at once are the stronger test, and a version
        // all of whose failures they hold is not to blame for any of them
        verdict = jointly(a, fa, candidates, figures, overlaps, results.get(a));
      }
      if (verdict == null && residual != null) {
        verdict =
            new Blame(
                a,
                residual,
                true,
                null,
                String.format(
                    Locale.ROOT,
                    "beside %s, which holds most of its failures: on devices not running it %d of"
                        + " %d failed (rate %.4g, %.1fx the rest of %s, %s)",
                    residualBesides,
                    residual.failedDevices(),
                    residual.exposedDevices(),
                    residual.rate(),
                    residual.rateRatio(),
                    fa.component(),
                    residual.evidence()));
      }
      if (verdict == null) {
        TestResult r = results.get(a);
        verdict =
            new Blame(
                a,
                r,
                true,
                null,
                String.format(
                    Locale.ROOT,
                    "%d of %d devices failed (rate %.4g, %.1fx the %s rate %.4g, %s),"
                        + " not explained by any other candidate",
                    r.failedDevices(),
                    r.exposedDevices(),
                    r.rate(),
                    r.rateRatio(),
                    r.sequential() != null && r.sequential().history()
                        ? "history"
                        : r.baselineKind(),
                    r.sequential() != null && r.sequential().history()
                        ? r.sequential().rateRatio() == 0 ? 0 : r.rate() / r.rateRatio()
                        : r.baselineRate(),
                    r.evidence()));
      }
      out.put(a, verdict);
    }
    unmask(figures, overlaps, out);
    return out;
  }

  /**
   * Rule 5: a version that did not pass on its own may have been masked by a blamed candidate that
   * raises its comparison group too (the OS crash wave while content 291 crashes devices on every
   * OS build). It is blamed, with the restricted result, when it passes on the devices not running
   * some blamed candidate B and is explained by no blamed candidate (rule 1). One pass only.
   */
  private void unmask(
      Map<String, VersionFigures> figures, Overlaps overlaps, Map<String, Blame> out) {
    List<VersionFigures> blamed = new ArrayList<>();
    out.values().stream().filter(Blame::blamed).forEach(bl -> blamed.add(figures.get(bl.key())));
    for (VersionFigures v : new TreeMap<>(figures).values()) {
      if (out.containsKey(v.key()) || v.exposedDevices() == 0 || !hasSiblings(v, figures)) {
        continue;
      }
      for (VersionFigures b : blamed) {
        if (b.component().equals(v.component())) {
          continue;
        }
        TestResult withoutB = restricted(v, b, figures, overlaps);
        if (!withoutB.passes()) {
          continue;
        }
        boolean explained =
            blamed.stream()
                .anyMatch(
                    c ->
                        !c.component().equals(v.component())
                            && !restricted(v, c, figures, overlaps).passes());
        if (!explained) {
          out.put(
              v.key(),
              new Blame(
                  v.key(),
                  withoutB,
                  true,
                  null,
                  String.format(
                      Locale.ROOT,
                      "masked by %s: on devices not running it %d of %d failed (rate %.4g,"
                          + " %.1fx the rest of %s, %s)",
                      b.key(),
                      withoutB.failedDevices(),
                      withoutB.exposedDevices(),
                      withoutB.rate(),
                      withoutB.rateRatio(),
                      v.component(),
                      withoutB.evidence())));
        }
        break;
      }
    }
  }

  /**
   * True when another version of v's component runs somewhere: without one there is no comparison
   * group, the restricted test would compare against the floor, and a version that runs on the
   * whole fleet would be "unmasked" by any blamed candidate.
   */
  private static boolean hasSiblings(VersionFigures v, Map<String, VersionFigures> figures) {
    return figures.values().stream()
        .anyMatch(
            s ->
                s.component().equals(v.component())
                    && !s.version().equals(v.version())
                    && s.exposedDevices() > 0);
  }

  /**
   * True when B's devices account for A's spike: without them A no longer passes, or (when most of
   * A's failing devices also run B and its window's top module is B's) passes only at a lower level
   * than its own. The second half is what keeps a healthy version that shares its devices with a
   * faulty one (sensor build 7.11 under content 291) from being raised to the faulty one's level by
   * the crashes they share, once a small excess of its own (chance, or another cause) makes it pass
   * without them.
   */
  private static boolean accountsFor(
      VersionFigures b,
      VersionFigures a,
      TestResult aWithoutB,
      TestResult aOwn,
      Overlaps overlaps) {
    if (!aWithoutB.passes()) {
      return true;
    }
    boolean mostShared = 2 * overlaps.get(a.key(), b.key()).failedBoth() >= a.failedDevices();
    // a top faulting module of A's window other than B's is evidence of its own that B's devices
    // do not account for (two faulty drivers in one ring each keep their level)
    boolean sameModule = Objects.equals(a.topModule(), b.topModule());
    return mostShared
        && sameModule
        && aOwn != null
        && aWithoutB.level().severity() < aOwn.level().severity();
  }

  /**
   * A on devices not running B, against A's sibling versions on devices not running B. "Not running
   * B" is "running another version of B's component": each count is a sum of pair cross counts
   * {@code (A, B')} over B's siblings B', never a difference such as {@code A - (A, B)}. The
   * figures of different keys come from different tasks at slightly different moments, and a
   * difference of two large counts taken a minute apart can be a false excess of dozens; a sum of
   * small counts cannot. A's failures there are taken less {@link #MISATTRIBUTED_SHARE} of the
   * failures A shares with B: those of B's crashes that were counted on B's predecessor. Devices
   * that do not report B's component at all are left out of both sides, which keeps the comparison
   * within one stratum. A stratum with none of A's siblings is no comparison, and A does not pass
   * there ({@link SpikeTest#testStratified}): once B runs on every device, A cannot be told apart
   * from it by counts.
   */
  private TestResult restricted(
      VersionFigures a, VersionFigures b, Map<String, VersionFigures> figures, Overlaps overlaps) {
    List<VersionFigures> others = siblings(b, figures);
    long[] without = without(a, others, overlaps);
    // whole devices: a leak of less than one is none
    long misattributed =
        (long) Math.floor(MISATTRIBUTED_SHARE * overlaps.get(a.key(), b.key()).failedBoth());
    VersionFigures aWithoutB = a.withCounts(without[1], Math.max(0, without[0] - misattributed));
    long failed = 0;
    long exposed = 0;
    for (VersionFigures s : siblings(a, figures)) {
      long[] sWithout = without(s, others, overlaps);
      failed += sWithout[0];
      exposed += sWithout[1];
    }
    Baseline rest = new Baseline(Baseline.REST_OF_FLEET, failed, 0, exposed);
    return test.testStratified(aWithoutB, rest);
  }

  /**
   * Rule 1 for every other cause at once: A's failures and exposure without the devices running any
   * candidate of another component that stands out without A's devices, or whose crashes in its own
   * module alone stand out ({@link #ownModuleStandsOut}), against A's siblings without the same;
   * null when A still passes there, or has module evidence of its own (on top, or standing out).
   */
  private Blame jointly(
      String a,
      VersionFigures fa,
      List<String> candidates,
      Map<String, VersionFigures> figures,
      Overlaps overlaps,
      TestResult ownResult) {
    if (fa.moduleBelongsToComponent() || ownModuleStandsOut(fa, figures)) {
      return null;
    }
    List<VersionFigures> causes = new ArrayList<>();
    for (String b : candidates) {
      VersionFigures fb = figures.get(b);
      if (!fb.component().equals(fa.component())
          && (ownModuleStandsOut(fb, figures) || restricted(fb, fa, figures, overlaps).passes())) {
        causes.add(fb);
      }
    }
    if (causes.size() < 2) {
      return null; // one cause alone was tested by rule 1
    }
    long[] removed = without(fa, causes, overlaps);
    VersionFigures rest =
        fa.withCounts(
            Math.max(0, fa.exposedDevices() - removed[1]),
            Math.max(0, fa.failedDevices() - removed[0]));
    long failed = 0;
    long exposed = 0;
    for (VersionFigures s : siblings(fa, figures)) {
      long[] sRemoved = without(s, causes, overlaps);
      failed += Math.max(0, s.failedDevices() - sRemoved[0]);
      exposed += Math.max(0, s.exposedDevices() - sRemoved[1]);
    }
    TestResult withoutAll =
        test.testStratified(rest, new Baseline(Baseline.REST_OF_FLEET, failed, 0, exposed));
    if (withoutAll.passes()) {
      return null;
    }
    List<String> names = causes.stream().map(VersionFigures::key).toList();
    return new Blame(
        a,
        ownResult,
        false,
        String.join(", ", names),
        String.format(
            Locale.ROOT,
            "explained jointly by %s: on devices running none of them the rate is %.4g against"
                + " %.4g for the rest of %s",
            String.join(" and ", names),
            withoutAll.rate(),
            withoutAll.baselineRate(),
            fa.component()));
  }

  /**
   * True when v's crashes in its own module, alone, pass the spike test against its siblings'
   * crashes in their own module: evidence that v crashes of itself, which A's rates cannot explain
   * away, whether or not its own module is its window's top one. Of two faulty drivers in one ring
   * the one that crashes less has the other's module on top, as a benign version beside them does;
   * what tells them apart is that it shows a spike of crashes in its own. A stray crash or two in a
   * version's own module (the ordinary rate) does not pass.
   */
  private boolean ownModuleStandsOut(VersionFigures v, Map<String, VersionFigures> figures) {
    long own = Math.min(v.ownModuleCrashes(), v.failedDevices());
    if (own == 0) {
      return false;
    }
    long failed = 0;
    long exposed = 0;
    for (VersionFigures s : siblings(v, figures)) {
      failed += Math.min(s.ownModuleCrashes(), s.failedDevices());
      exposed += s.exposedDevices();
    }
    return test.test(
            v.withCounts(v.exposedDevices(), own),
            new Baseline(Baseline.REST_OF_FLEET, failed, 0, exposed))
        .passes();
  }

  /** Failing and exposed devices running {@code v} and one of {@code others}. */
  private static long[] without(VersionFigures v, List<VersionFigures> others, Overlaps overlaps) {
    long failed = 0;
    long exposed = 0;
    for (VersionFigures o : others) {
      Overlaps.Counts c = overlaps.get(v.key(), o.key());
      failed += c.failedBoth();
      exposed += c.exposedBoth();
    }
    return new long[] {failed, exposed};
  }

  /** The other versions of v's component. */
  private static List<VersionFigures> siblings(
      VersionFigures v, Map<String, VersionFigures> figures) {
    List<VersionFigures> out = new ArrayList<>();
    for (VersionFigures s : figures.values()) {
      if (s.component().equals(v.component()) && !s.version().equals(v.version())) {
        out.add(s);
      }
    }
    return out;
  }

  /** The one to blame when a and b explain each other. */
  static VersionFigures winner(VersionFigures a, VersionFigures b, TestResult ra, TestResult rb) {
    if (a.moduleBelongsToComponent() != b.moduleBelongsToComponent()) {
      return a.moduleBelongsToComponent() ? a : b;
    }
    if (a.firstSeenTime() != null
        && b.firstSeenTime() != null
        && !a.firstSeenTime().equals(b.firstSeenTime())) {
      return a.firstSeenTime().isAfter(b.firstSeenTime()) ? a : b;
    }
    if (ra != null && rb != null && ra.rateRatio() != rb.rateRatio()) {
      return ra.rateRatio() > rb.rateRatio() ? a : b;
    }
    return a.key().compareTo(b.key()) <= 0 ? a : b;
  }
}
