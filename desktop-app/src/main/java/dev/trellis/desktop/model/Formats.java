package dev.trellis.desktop.model;

import dev.trellis.protocol.text.ByteCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Numbers and times as people read them in the tray and the window. */
public final class Formats {
    private Formats() {}

    /** "0 B", "512 B", "1.5 KiB": binary units, one decimal above bytes. */
    public static String bytes(long n) {
        return ByteCounts.binary(n);
    }

    /** "45 seconds", "3 minutes", "5 hours", "6 days": the largest whole unit. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return plural(s, "second");
        }
        if (s < 3600) {
            return plural(s / 60, "minute");
        }
        if (s < 86400) {
            return plural(s / 3600, "hour");
        }
        return plural(s / 86400, "day");
    }

    /** "just now", "3 minutes ago", "never" (null). */
    public static String ago(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration d = Duration.between(then, now);
        if (d.toSeconds() < 10) {
            return "just now";
        }
        return duration(d) + " ago";
    }

    /** "0.4 ms", "12 ms", "1.2 s"; "—" for null. */
    public static String latency(Duration d) {
        if (d == null) {
            return "—";
        }
        double ms = d.toNanos() / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.1f s", ms / 1000);
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
