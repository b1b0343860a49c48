package dev.crashwatch.dashboard;

import java.util.Set;

/** Told by the {@link DashboardView} what changed, so the page can be pushed just that. */
public interface ViewListener {

  /** A signal state change the view had not seen. */
  void signalAdded(SignalEntry signal);

  /** New health snapshots for these component versions. */
  void healthUpdated(Set<String> keys);

  /** The dead-letter counts changed. */
  void deadLettersUpdated();

  /** A spike alert that reports no rollback signal arrived. */
  void alertsUpdated();
}
