package dev.trellis.protocol.net;

/**
 * Unsigned decimal numbers as Go's {@code strconv.ParseUint(s, 10, bits)} reads them: ASCII
 * digits only (no sign, no spaces, no other scripts' digits), leading zeros allowed.
 */
public final class Decimal {
    private Decimal() {}

    /** The value of {@code s}, or -1 if it is not a decimal number in {@code [0, max]}. */
    public static long parseUnsigned(String s, long max) {
        if (s.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value > max) {
                return -1;
            }
        }
        return value;
    }
}
