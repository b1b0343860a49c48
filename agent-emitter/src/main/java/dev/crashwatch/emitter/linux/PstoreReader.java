package dev.crashwatch.emitter.linux;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the kernel log dumps in {@code /sys/fs/pstore}: what the kernel wrote to persistent RAM
 * (ramoops) or EFI variables while it was going down, so it survives even when the journal never
 * saw the panic.
 *
 * <p>The kernel splits a dump into parts of the backend's record size and numbers them from the
 * end: {@code Part1} is the newest text (where the panic is), higher parts are older. Parts of one
 * dump share the header {@code Panic#N}; they are joined highest part first.
 *
 * <p>Compressed records the kernel could not decompress ({@code *.enc.z}) are skipped: their text
 * is not readable here.
 */
public final class PstoreReader {

  static final String PSTORE_DIR = "/sys/fs/pstore";

  /** {@code Panic#1 Part1}: the first line of every dmesg record. */
  private static final Pattern HEADER = Pattern.compile("^(\\w+)#(\\d+) Part(\\d+)\\s*$");

  private PstoreReader() {}

  /** Every dump in pstore, oldest first; empty when pstore is not mounted or holds no dmesg. */
  public static List<PstoreDump> read(HostFiles host) {
    record Part(String reason, int part, String text, Instant time, String file) {}
    Map<String, List<Part>> byDump = new LinkedHashMap<>();
    for (Path file : host.list(PSTORE_DIR)) {
      String name = file.getFileName().toString();
      if (!name.startsWith("dmesg-") || name.endsWith(".enc.z")) {
        continue;
      }
      String content = host.read(file).orElse("");
      int newline = content.indexOf('\n');
      String first = newline < 0 ? content : content.substring(0, newline);
      Matcher m = HEADER.matcher(first);
      if (!m.matches()) {
        continue;
      }
      // The backend (ramoops, efi, erst...) is the second word of the name; dump numbers are per
      // backend, so both make up the key.
      String backend = name.split("-", 3).length > 1 ? name.split("-", 3)[1] : "";
      String key = backend + "/" + m.group(1) + "#" + m.group(2);
      Instant time = host.lastModified(file).orElse(Instant.EPOCH);
      byDump
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(
              new Part(
                  m.group(1),
                  Integer.parseInt(m.group(3)),
                  newline < 0 ? "" : content.substring(newline + 1),
                  time,
                  PSTORE_DIR + "/" + name));
    }
    List<PstoreDump> dumps = new ArrayList<>();
    for (List<Part> parts : byDump.values()) {
      parts.sort(Comparator.comparingInt(Part::part).reversed());
      StringBuilder text = new StringBuilder();
      Instant time = Instant.EPOCH;
      List<String> files = new ArrayList<>();
      for (Part p : parts) {
        text.append(p.text());
        if (!p.text().endsWith("\n")) {
          text.append('\n');
        }
        time = p.time().isAfter(time) ? p.time() : time;
        files.add(p.file());
      }
      dumps.add(new PstoreDump(parts.get(0).reason(), text.toString(), time, files));
    }
    dumps.sort(Comparator.comparing(PstoreDump::time));
    return List.copyOf(dumps);
  }
}
