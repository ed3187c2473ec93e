package dev.trellis.coordinator.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What admin input is acceptable, checked the same way for the API and the command line: tags,
 * user names and RFC 3339 times. Each check throws {@link IllegalArgumentException} with a message
 * that says what a good value looks like.
 */
public final class AdminInputs {
    /** {@code tag:} and a DNS-label-like name: lowercase letters, digits and inner dashes. */
    private static final Pattern TAG = Pattern.compile("tag:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    public static final int MAX_TAGS = 64;
    public static final int MAX_USER_NAME = 64;

    private AdminInputs() {}

    /** The tags, each checked, duplicates dropped, order kept. */
    public static List<String> tags(List<String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String t : tags) {
            if (t == null || !TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("bad tag '" + printable(t) + "': tags look like tag:server"
                        + " (lowercase letters, digits and '-', at most 63 after 'tag:')");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    /**
     * A user name: 1 to 64 characters, no spaces or control characters, since it appears in
     * maps, tables and command lines.
     */
    public static String userName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_USER_NAME) {
            throw new IllegalArgumentException("a user name has 1 to " + MAX_USER_NAME + " characters");
        }
        if (!name.codePoints().allMatch(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c)
                && !Character.isWhitespace(c))) {
            throw new IllegalArgumentException("a user name has no spaces or control characters: '"
                    + printable(name) + "'");
        }
        return name;
    }

    /** An RFC 3339 time with an offset, e.g. {@code 2027-01-31T12:00:00Z} or {@code 2027-01-31T13:00:00+01:00}. */
    public static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("bad time '" + printable(text)
                    + "': use RFC 3339 with an offset, e.g. 2027-01-31T12:00:00Z");
        }
    }

    /** {@code s} cut to 80 characters with control characters replaced, for an error message. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.codePointCount(0, s.length()) > 80 ? b + "…" : b.toString();
    }
}
