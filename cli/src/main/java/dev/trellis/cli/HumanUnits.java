package dev.trellis.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Byte counts and ages as people read them in a table. */
final class HumanUnits {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private HumanUnits() {}

    /** "0 B", "512 B", "1.5 KiB", "20.0 MiB": binary units, one decimal above bytes. */
    static String bytes(long n) {
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

    /** "3s ago", "5m ago", "2h ago", "4d ago"; "never" for null; a future time is "just now". */
    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            return "just now";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s ago";
        }
        if (s < 3600) {
            return s / 60 + "m ago";
        }
        if (s < 86400) {
            return s / 3600 + "h ago";
        }
        return s / 86400 + "d ago";
    }
}
