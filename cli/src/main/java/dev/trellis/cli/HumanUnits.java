package dev.trellis.cli;

import java.time.Duration;
import java.time.Instant;

/** Byte counts and ages as people read them in a table. */
final class HumanUnits {
    private HumanUnits() {}

    /** "0 B", "512 B", "1.5 KiB", "20.0 MiB": binary units, one decimal above bytes. */
    static String bytes(long n) {
        return dev.trellis.protocol.text.ByteCounts.binary(n);
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
