package dev.trellis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time from the first line of {@code /proc/stat}, in clock ticks: busy
 * (everything but idle and iowait) and total. Over an interval it tells how much of the cores
 * other processes took while a benchmark ran.
 */
record MachineCpu(long busyTicks, long totalTicks) {

    static MachineCpu read() throws IOException {
        return parse(Files.readString(Path.of("/proc/stat")));
    }

    static MachineCpu parse(String procStat) {
        String first = procStat.lines().findFirst().orElse("");
        String[] f = first.trim().split("\\s+");
        if (f.length < 8 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not /proc/stat (first line: " + first + ")");
        }
        long total = 0;
        // user nice system idle iowait irq softirq steal [guest guest_nice: already in user and nice]
        int fields = Math.min(f.length - 1, 8);
        for (int i = 1; i <= fields; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new MachineCpu(total - idle, total);
    }
}
