package dev.trellis.protocol.text;

import java.util.Locale;

/** Byte counts in binary units: "0 B", "512 B", "1.5 KiB", "20.0 MiB". */
public final class ByteCounts {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteCounts() {}

    /** {@code n} bytes, one decimal above bytes; a negative count reads as 0 B. */
    public static String binary(long n) {
        if (n < 1024) {
            return Math.max(n, 0) + " B";
        }
        double v = n;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }
}
