package dev.trellis.cli;

/**
 * Makes text from the daemon or the network safe to print: no control characters (escape
 * sequences could rewrite the terminal), no line breaks where one line is promised, bounded
 * length.
 */
final class TerminalText {
    static final int MAX_LINE = 1000;
    static final int MAX_CELL = 64;

    private TerminalText() {}

    /** One line: line breaks and tabs become spaces, other control characters '?'. */
    static String oneLine(String s) {
        return clean(s, MAX_LINE, true);
    }

    /** A table cell: like {@link #oneLine} but shorter; empty or null becomes "-". */
    static String cell(String s) {
        if (s == null || s.isBlank()) {
            return "-";
        }
        return clean(s, MAX_CELL, true);
    }

    private static String clean(String s, int max, boolean spaces) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (sb.length() >= max) {
                sb.append('…');
                break;
            }
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(spaces ? ' ' : '?');
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                // C0/C1 controls and bidi overrides, which can disguise what is printed.
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }
}
