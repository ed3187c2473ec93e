package dev.trellis.coordinator.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Node names: single DNS labels (RFC 1123: {@code [a-z0-9]}, inner dashes, at most 63
 * characters), lowercase because DNS compares names case-insensitively and the store's UNIQUE
 * constraint compares them exactly.
 */
final class NodeNames {
    static final int MAX_LENGTH = 63;
    static final String FALLBACK = "node";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /**
     * Every candidate for a base name starts with this many of its characters: a suffix
     * ({@code -} + up to 10 digits) truncates the base to at least 52 characters, and trimming
     * the one dash that can then end it leaves at least 51.
     */
    static final int SHARED_PREFIX = 50;

    private NodeNames() {}

    /**
     * A label from a reported host name: lowercase, every character outside {@code [a-z0-9]}
     * becomes a dash, runs of dashes collapse, dashes are trimmed from both ends, at most 63
     * characters; "node" if nothing is left.
     */
    static String fromHostname(String hostname) {
        StringBuilder b = new StringBuilder(Math.min(hostname.length(), MAX_LENGTH + 1));
        for (int i = 0; i < hostname.length() && b.length() <= MAX_LENGTH; i++) {
            char c = Character.toLowerCase(hostname.charAt(i));
            boolean keep = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (keep) {
                b.append(c);
            } else if (!b.isEmpty() && b.charAt(b.length() - 1) != '-') {
                b.append('-');
            }
        }
        String name = trimDashes(b.length() > MAX_LENGTH ? b.substring(0, MAX_LENGTH) : b.toString());
        return name.isEmpty() ? FALLBACK : name;
    }

    /** Candidate {@code n} for {@code base}: the base itself for 0, else base + "-n", cut to fit 63. */
    static String withSuffix(String base, int n) {
        if (n == 0) {
            return base;
        }
        String suffix = "-" + n;
        int room = MAX_LENGTH - suffix.length();
        String head = base.length() > room ? trimDashes(base.substring(0, room)) : base;
        return head + suffix;
    }

    /** A requested name, lowercased; rejects anything that is not a DNS label. */
    static String normalize(String requested) {
        if (requested == null) {
            throw new IllegalArgumentException("node name must not be null");
        }
        if (requested.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("node name is " + requested.length() + " characters; at most "
                    + MAX_LENGTH + " allowed");
        }
        String name = requested.toLowerCase(Locale.ROOT);
        checkLabel(name);
        return name;
    }

    static void checkLabel(String name) {
        if (name == null || !LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("node name must be 1-63 characters of a-z, 0-9 and '-', "
                    + "not starting or ending with '-'");
        }
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
