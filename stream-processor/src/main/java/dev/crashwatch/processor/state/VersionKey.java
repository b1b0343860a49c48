package dev.crashwatch.processor.state;

/**
 * One component version, as a typed key ({@link #toKey()}) inside the application, and as {@code
 * component@version} text ({@link #toString()}) only on the output topics. Nothing parses that
 * text: the decoder lets no {@code @} into a component id or version (see {@code DeviceInput}), so
 * the text names one version only.
 */
public record VersionKey(String component, String version) {

  /** The {@link StatsKeyKind#VERSION} key of {@code component}'s {@code version}. */
  public static StatsKey of(String component, String version) {
    return new VersionKey(component, version).toKey();
  }

  /** The version a {@link StatsKeyKind#VERSION} key names. */
  public static VersionKey from(StatsKey key) {
    if (key.getKind() != StatsKeyKind.VERSION) {
      throw new IllegalArgumentException("not a version key: " + key);
    }
    return new VersionKey(key.getComponent(), key.getVersion());
  }

  public StatsKey toKey() {
    // the constructor, not the builder: a key per delta (StatsKeyConstructionTest pins it)
    return new StatsKey(StatsKeyKind.VERSION, component, version, "", "", -1, "", "");
  }

  /** {@code component@version}: the key of the output topics. */
  @Override
  public String toString() {
    return component + "@" + version;
  }
}
