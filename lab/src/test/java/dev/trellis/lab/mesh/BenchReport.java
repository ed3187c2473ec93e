package dev.trellis.lab.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a lab benchmark's results go: {@code key=value} lines, appended to the file named by the
 * environment variable {@code BENCH_NAT_OUT} (bench/nat.sh collects it) or else to
 * {@code results.kv} in the log directory, and echoed on stdout. Progress goes to stderr.
 */
final class BenchReport {
  private final Path file;

  BenchReport(Path logDir) {
    String out = System.getenv("BENCH_NAT_OUT");
    this.file = out == null || out.isBlank() ? logDir.resolve("results.kv") : Path.of(out);
  }

  Path file() {
    return file;
  }

  void kv(String key, Object value) {
    String line = key + "=" + value + "\n";
    System.out.print(line);
    try {
      Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  static void progress(String format, Object... args) {
    System.err.println("[nat-bench] " + String.format(Locale.ROOT, format, args));
    System.err.flush();
  }

  /** The 1, 5 and 15 minute load averages: on a shared machine, how busy it was around a measurement. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  /** Nearest rank: the ⌈p/100 · n⌉-th smallest value. */
  static long percentile(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  static String gbps(double bitsPerSecond) {
    return String.format(Locale.ROOT, "%.3f", bitsPerSecond / 1e9);
  }

  /** An environment variable that must be a positive integer when set. */
  static int envInt(String name, int fallback) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(name + " must be a positive integer, got \"" + v + "\"");
  }
}
