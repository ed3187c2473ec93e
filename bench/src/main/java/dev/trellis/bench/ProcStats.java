package dev.trellis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of one process, from {@code /proc/PID/stat} (utime + stime, fields 14 and
 * 15, in clock ticks) and {@code /proc/PID/status} (VmRSS, VmHWM: current and peak resident set).
 *
 * @param userTicks user CPU time in clock ticks
 * @param systemTicks system (kernel) CPU time in clock ticks
 * @param rssKiB resident set now
 * @param hwmKiB the resident set's high-water mark since the process started
 */
record ProcStats(long userTicks, long systemTicks, long rssKiB, long hwmKiB) {

    static ProcStats read(long pid) throws IOException {
        Path dir = Path.of("/proc", Long.toString(pid));
        return parse(Files.readString(dir.resolve("stat")), Files.readString(dir.resolve("status")));
    }

    static ProcStats parse(String stat, String status) {
        // The command name (field 2) is in parentheses and may hold spaces or parentheses itself:
        // count fields from the last ')'.
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(stat));
        }
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (state), so field k is rest[k - 3].
        if (rest.length < 13) {
            throw new IllegalArgumentException("/proc/PID/stat has too few fields: " + abbreviate(stat));
        }
        long utime = Long.parseLong(rest[14 - 3]);
        long stime = Long.parseLong(rest[15 - 3]);
        return new ProcStats(utime, stime, kib(status, "VmRSS:"), kib(status, "VmHWM:"));
    }

    long cpuTicks() {
        return userTicks + systemTicks;
    }

    private static long kib(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected /proc/PID/status line: " + line);
                }
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalArgumentException("/proc/PID/status has no " + key + " line");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
