package dev.crashwatch.dashboard;

/** The output topics' key of a component version, as the processor writes it. */
final class VersionKey {

  private VersionKey() {}

  static String of(String component, String version) {
    return component + "@" + version;
  }
}
