package dev.trellis.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code jcmd PID GC.heap_info}: the heap's used space, summed over its generations. */
final class HeapInfo {
    /** "DefNew total 19648K, used 8372K [...]", "Tenured total ...", " garbage-first heap total ...". */
    private static final Pattern GENERATION = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private HeapInfo() {}

    /** The used KiB of every generation (or of the one heap line, for region-based collectors). */
    static long usedKiB(String heapInfo) {
        Matcher m = GENERATION.matcher(heapInfo);
        long used = 0;
        boolean any = false;
        while (m.find()) {
            used += Long.parseLong(m.group(2));
            any = true;
        }
        if (!any) {
            throw new IllegalArgumentException("no \"total NK, used NK\" line in GC.heap_info output: "
                    + (heapInfo.length() > 200 ? heapInfo.substring(0, 200) + "…" : heapInfo));
        }
        return used;
    }
}
