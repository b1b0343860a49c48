package dev.crashwatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process: resident memory ({@code /proc/PID/status}) and CPU time used
 * ({@code /proc/PID/stat}, user + system, in clock ticks of 1/100 s, the kernel's USER_HZ).
 */
record ProcFigures(long rssKib, long peakRssKib, long cpuMillis) {

  private static final long MILLIS_PER_TICK = 10;

  static ProcFigures of(long pid) {
    long rss = 0;
    long hwm = 0;
    for (String line : Machine.procLines("/proc/" + pid + "/status")) {
      if (line.startsWith("VmRSS:")) {
        rss = Machine.kibibytes(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = Machine.kibibytes(line);
      }
    }
    long cpu = 0;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after the command name (which may hold spaces) in parentheses: utime is the 14th
      // field of the line, stime the 15th
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MILLIS_PER_TICK;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
    }
    return new ProcFigures(rss, hwm, cpu);
  }
}
